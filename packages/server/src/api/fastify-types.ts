import type { Scope } from '../directory/index.js';
import type { Session } from '../sso/index.js';
import type { Principal } from './auth/principal.js';

/** What a route needs from its caller; declared in the route's `config`, enforced by the auth hook. */
export interface RouteAuth {
  scope: Scope;
  /**
   * Whether a widget token may call the route (it may call no other):
   * `also` besides the callers `scope` admits, `only` for the widget's own
   * routes, which refuse every other caller (403). Such routes answer CORS
   * for the token's app's allowed origins (api/auth/widget-cors.ts).
   */
  widget?: 'also' | 'only';
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Credentials and this scope are required (see api/auth). */
    auth?: RouteAuth;
    /** Deliberately open to anyone (health, the OpenAPI document); its body is limited to a few KB. */
    public?: boolean;
    /** Takes bodies up to `api.bodyLimit` (the send API's attachments) instead of `api.defaultBodyLimit`. */
    largeBody?: boolean;
  }
  interface FastifyRequest {
    /** Set by the auth hook on routes with `config.auth`. */
    principal: Principal | null;
    /** The web session the caller authenticated with (cookie), if that is how. */
    webSession: Session | null;
  }
}
