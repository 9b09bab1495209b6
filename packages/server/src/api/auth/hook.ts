import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Directory } from '../../directory/index.js';
import { AppError } from '../../shared/index.js';
import { type SessionRegistry, safeEqual } from '../../sso/index.js';
import '../fastify-types.js';
import { hasScope } from './access.js';
import { parseAuthorization } from './credentials.js';
import type { FailureLimiter } from './failure-limiter.js';
import { type Principal, principalFromApiKey, principalFromUser } from './principal.js';
import { readSessionToken, UNSAFE_METHODS } from './session-cookie.js';

export interface AuthHookDeps {
  directory: Directory;
  limiter: FailureLimiter;
  /** Web sessions; without them the session cookie is ignored. */
  sessions?: Pick<SessionRegistry, 'validate'>;
}

/**
 * Installs authentication on the app: every `/api/` route must declare
 * `config.auth` (or `config.public`) — a route that forgets fails the start,
 * so nothing is open by accident. The hook runs on `onRequest`, before the
 * body is read, so unauthenticated clients cost no parsing.
 */
export function installAuth(app: FastifyInstance, deps: AuthHookDeps): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('webSession', null);

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/') && !route.config?.auth && !route.config?.public) {
      throw new Error(`${String(route.method)} ${route.url} declares no auth requirement`);
    }
  });

  app.addHook('onRequest', async (request) => {
    const auth = request.routeOptions.config.auth;
    if (!auth) return;
    const principal = await authenticate(request, deps);
    if (!hasScope(principal, auth.scope)) {
      throw new AppError('INSUFFICIENT_SCOPE', `This operation needs the ${auth.scope} scope`);
    }
    request.principal = principal;
  });
}

async function authenticate(request: FastifyRequest, deps: AuthHookDeps): Promise<Principal> {
  const { directory, limiter } = deps;
  const credentials = parseAuthorization(request.headers.authorization);
  // An Authorization header always wins: a script holding a key is never confused by a stray cookie.
  const cookie = readSessionToken(request);
  if (credentials === null && cookie !== undefined && deps.sessions) {
    return sessionPrincipal(request, cookie, directory, deps.sessions);
  }
  if (credentials === null)
    throw new AppError('UNAUTHENTICATED', 'Send an API key (Bearer) or Basic credentials');
  const wait = limiter.retryAfter(request.ip);
  if (wait > 0) {
    throw new AppError('RATE_LIMITED', `Too many failed sign-ins; retry in ${wait} s`, { retryAfter: wait });
  }
  let principal: Principal | null = null;
  if (credentials === 'malformed') principal = null;
  else if (credentials.scheme === 'bearer') {
    const key = await directory.verifyApiKey(credentials.token);
    principal = key && principalFromApiKey(key);
  } else {
    const user = await directory.authenticate(credentials.username, credentials.password);
    principal = user && principalFromUser(user);
  }
  if (!principal) {
    limiter.recordFailure(request.ip);
    request.log.info({ ip: request.ip }, 'api authentication failed');
    throw new AppError('UNAUTHENTICATED', 'Invalid credentials');
  }
  return principal;
}

/**
 * A webmail call: the session cookie acts as its user, with the same rights
 * as that user's password would give. State-changing methods must echo the
 * session's CSRF token in `X-CSRF-Token`: another site can make the browser
 * send the cookie (a form POST), but cannot read the token to add the header.
 * A stale cookie is not a failed guess (it was ours), so it does not count
 * against the IP's failure budget.
 */
async function sessionPrincipal(
  request: FastifyRequest,
  token: string,
  directory: Directory,
  sessions: Pick<SessionRegistry, 'validate'>,
): Promise<Principal> {
  const session = await sessions.validate(token);
  if (!session) throw new AppError('UNAUTHENTICATED', 'The session has ended; sign in again');
  if (UNSAFE_METHODS.has(request.method)) {
    const sent = request.headers['x-csrf-token'];
    if (typeof sent !== 'string' || !safeEqual(sent, session.csrfToken)) {
      throw new AppError('CSRF_FAILED', 'Send the session’s csrfToken in the X-CSRF-Token header');
    }
  }
  const user = await directory.getUser(session.userAddress).catch(() => null);
  if (!user?.enabled) throw new AppError('UNAUTHENTICATED', 'The session has ended; sign in again');
  request.webSession = session;
  return principalFromUser(user);
}
