import { send } from '../http.js';
import { DOMAIN, type Dom, type Need } from '../model.js';
import type { World } from '../world.js';
import {
  allPages,
  type Case,
  credentialListRule,
  domainOf,
  look,
  type Prepared,
  type Rules,
  SELF,
  SYSTEM,
  same,
  status,
  statusOf,
  userCases,
  userIn,
} from './common.js';

type AppTarget = Dom | 'global';
const TARGETS: AppTarget[] = ['a', 'b', 'global'];
const appNeeds = (t: AppTarget): Need[] =>
  t === 'global' ? [{ on: 'global-app' }] : [domainOf(t, 'APP_NOT_FOUND')];

/** Every app (the matrix makes many). */
const allApps = (w: World) =>
  allPages<{ name: string; clientId: string; domain: string | null }>(w, '/api/v1/apps');

/** A write to a fresh app restricted to `t` (or to none), and whether it happened. */
function freshAppCase(
  t: AppTarget,
  method: 'PATCH' | 'DELETE' | 'POST',
  suffix: string,
  body: unknown,
  changed: (w: World, clientId: string) => Promise<boolean>,
): Case {
  return {
    label: t,
    needs: appNeeds(t),
    request: async (w) => {
      const clientId = await w.fresh.app(t === 'global' ? null : t);
      const is = async (want: boolean) => same(await changed(w, clientId), want, `app ${clientId} changed`);
      return {
        method,
        path: `/api/v1/apps/${clientId}${suffix}`,
        ...(body === undefined ? {} : { body }),
        unchanged: () => is(false),
        done: () => is(true),
      };
    },
  };
}

const link = (user: string): Prepared => ({
  method: 'POST',
  path: '/api/v1/sso/login-links',
  body: { user },
});

/** A fresh user of `d` signed in on the web: a write to their sessions, and whether the session survived. */
function sessionCase(d: Dom, path: (address: string, sessionId: string) => string): Case {
  return {
    label: d,
    needs: [userIn(d)],
    request: async (w) => {
      const address = await w.fresh.user(d);
      const session = await w.fresh.session(address);
      const sessions = await look<{ items: { id: string }[] }>(w, `/api/v1/users/${address}/sessions`);
      const alive = async (want: boolean) => {
        const res = await send(w.base, { method: 'GET', path: '/auth/session' }, { cookie: session.cookie });
        same(res.status, want ? 200 : 401, `session of ${address}`);
      };
      return {
        method: 'DELETE',
        path: path(address, sessions.items[0]?.id ?? ''),
        unchanged: () => alive(true),
        done: () => alive(false),
      };
    },
  };
}

export const appAndSsoRules: Rules = {
  createApp: {
    scope: 'apps:write',
    ok: status(201),
    cases: TARGETS.map((t) => ({
      label: t,
      needs: t === 'global' ? [SYSTEM] : [domainOf(t, 'DOMAIN_NOT_FOUND')],
      request: (w) => {
        const name = `new app ${w.n()}`;
        return {
          method: 'POST',
          path: '/api/v1/apps',
          body: { name, scopes: ['mail:read'], ...(t === 'global' ? {} : { domain: DOMAIN[t] }) },
          unchanged: async () =>
            same(
              (await allApps(w)).some((a) => a.name === name),
              false,
              `app ${name}`,
            ),
        };
      },
    })),
  },
  listApps: credentialListRule('listApps', '/api/v1/apps'),
  getApp: {
    scope: 'apps:write',
    ok: status(200),
    cases: TARGETS.map((t) => ({
      label: t,
      needs: appNeeds(t),
      request: (w) => ({ method: 'GET', path: `/api/v1/apps/${w.app[t]}` }),
    })),
  },
  updateApp: {
    scope: 'apps:write',
    ok: status(200),
    cases: TARGETS.map((t) =>
      freshAppCase(
        t,
        'PATCH',
        '',
        { name: 'renamed' },
        async (w, id) => (await look(w, `/api/v1/apps/${id}`)).name === 'renamed',
      ),
    ),
  },
  deleteApp: {
    scope: 'apps:write',
    ok: status(204),
    cases: TARGETS.map((t) =>
      freshAppCase(
        t,
        'DELETE',
        '',
        undefined,
        async (w, id) => (await statusOf(w, `/api/v1/apps/${id}`)) === 404,
      ),
    ),
  },
  rotateAppSecret: {
    scope: 'apps:write',
    ok: status(200),
    // A rotation shows in what the old secret still gets: a token, or invalid_client.
    cases: TARGETS.map((t) => ({
      label: t,
      needs: appNeeds(t),
      request: async (w) => {
        const created = await w.root({
          method: 'POST',
          path: '/api/v1/apps',
          body: {
            name: `app ${w.n()}`,
            scopes: ['mail:read'],
            ...(t === 'global' ? {} : { domain: DOMAIN[t] }),
          },
        });
        const { app, clientSecret } = created.json as { app: { clientId: string }; clientSecret: string };
        const form = {
          grant_type: 'client_credentials',
          client_id: app.clientId,
          client_secret: clientSecret,
        };
        const oldSecretWorks = async (want: boolean) => {
          const res = await send(w.base, { method: 'POST', path: '/api/v1/oauth/token', form });
          same(res.status, want ? 200 : 401, `old secret of ${app.clientId}`);
        };
        return {
          method: 'POST',
          path: `/api/v1/apps/${app.clientId}/rotate-secret`,
          unchanged: () => oldSecretWorks(true),
          done: () => oldSecretWorks(false),
        };
      },
    })),
  },
  createLoginLink: {
    scope: 'sso:issue',
    ok: status(201),
    cases: [
      { label: 'a', needs: [userIn('a')], request: (w) => link(w.user.a) },
      { label: 'b', needs: [userIn('b')], request: (w) => link(w.user.b) },
      { label: 'self', self: true, needs: [SELF], request: (_w, who) => link(who.self as string) },
      {
        label: 'alias in a of a user of b',
        needs: [userIn('a'), userIn('b')],
        request: (w) => link(w.shared),
      },
    ],
  },
  listSessions: {
    scope: 'users:read',
    ok: status(200),
    cases: userCases((a) => `/api/v1/users/${a}/sessions`),
  },
  revokeSessions: {
    scope: 'users:write',
    ok: status(204),
    cases: (['a', 'b'] as const).map((d) => sessionCase(d, (a) => `/api/v1/users/${a}/sessions`)),
  },
  revokeSession: {
    scope: 'users:write',
    ok: status(204),
    cases: (['a', 'b'] as const).map((d) => sessionCase(d, (a, id) => `/api/v1/users/${a}/sessions/${id}`)),
  },
};
