import { casRoutes } from './cas.js';
import type { WebAuthPlugin } from './deps.js';
import { linkRoutes } from './link.js';
import { oidcRoutes } from './oidc.js';
import { sessionRoutes } from './session.js';

/** Everything under `/auth`: the browser's way in. */
export const webAuthRoutes: WebAuthPlugin = async (app, deps) => {
  const { sso, directory, publicUrl } = deps;
  for (const plugin of [sessionRoutes, linkRoutes, oidcRoutes, casRoutes])
    await app.register(plugin, { sso, directory, publicUrl });
};
