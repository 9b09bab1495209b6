import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Directory } from '../../directory/index.js';
import type { LoginGuard } from '../../limits/index.js';
import {
  isWidgetTokenHeader,
  looksLikeJwt,
  type OAuthService,
  type TokenRejection,
} from '../../oauth/index.js';
import { AppError } from '../../shared/index.js';
import { type SessionRegistry, safeEqual } from '../../sso/index.js';
import '../fastify-types.js';
import { hasScope } from './access.js';
import { parseAuthorization } from './credentials.js';
import {
  type Principal,
  principalFromApiKey,
  principalFromAppGrant,
  principalFromUser,
  principalFromWidgetGrant,
} from './principal.js';
import { readSessionToken, UNSAFE_METHODS } from './session-cookie.js';
import { assertWidgetOrigin, dropCors, installWidgetCors } from './widget-cors.js';

export interface AuthHookDeps {
  directory: Directory;
  /** The login guard every listener shares: Basic failures count for SMTP and the webmail too. */
  loginGuard: LoginGuard;
  /** Verifies app access tokens (JWTs from `POST /api/v1/oauth/token`) and widget tokens. */
  appTokens: Pick<OAuthService, 'verify' | 'widgetTokens'>;
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

  installWidgetCors(app, deps.appTokens.widgetTokens);

  app.addHook('onRequest', async (request, reply) => {
    const auth = request.routeOptions.config.auth;
    if (!auth) return;
    const principal = await authenticate(request, deps);
    if (principal.kind === 'widget') {
      // Every route refuses a widget token but those that declare it (RouteAuth.widget).
      if (!auth.widget) throw new AppError('INSUFFICIENT_SCOPE', WIDGET_REFUSED);
      assertWidgetOrigin(request, reply, principal);
    } else {
      if (auth.widget) dropCors(reply);
      if (auth.widget === 'only') throw new AppError('FORBIDDEN', 'This route takes a widget token');
      if (!hasScope(principal, auth.scope)) {
        throw new AppError('INSUFFICIENT_SCOPE', `This operation needs the ${auth.scope} scope`);
      }
    }
    request.principal = principal;
  });
}

const WIDGET_REFUSED =
  'A widget token may only read its user’s inbox summary, follow their event stream and open a message';

async function authenticate(request: FastifyRequest, deps: AuthHookDeps): Promise<Principal> {
  const { directory } = deps;
  const credentials = parseAuthorization(request.headers.authorization);
  // An Authorization header always wins: a script holding a key is never confused by a stray cookie.
  const cookie = readSessionToken(request);
  if (credentials === null && cookie !== undefined && deps.sessions) {
    return sessionPrincipal(request, cookie, directory, deps.sessions);
  }
  if (credentials === null)
    throw new AppError('UNAUTHENTICATED', 'Send an API key (Bearer) or Basic credentials');
  if (credentials === 'malformed') return refuseSecret(request, deps, 'malformed');
  if (credentials.scheme === 'basic') return passwordPrincipal(request, credentials, deps);
  if (looksLikeJwt(credentials.token)) {
    if (isWidgetTokenHeader(credentials.token)) return verifyWidgetToken(request, credentials.token, deps);
    return verifyAppToken(request, credentials.token, deps);
  }
  // Keys are checked before any budget: a valid one is never refused (see limits/login-guard.ts).
  const key = await directory.verifyApiKey(credentials.token);
  return key ? principalFromApiKey(key) : refuseSecret(request, deps, 'api-key');
}

/**
 * Basic: a user's password, behind the login guard. The attempt is counted
 * before the password is checked, so a parallel burst is held to the budget;
 * a refusal (429) is answered without checking, and reveals nothing.
 */
async function passwordPrincipal(
  request: FastifyRequest,
  { username, password }: { username: string; password: string },
  deps: AuthHookDeps,
): Promise<Principal> {
  const admission = await deps.loginGuard.admit(username, request.ip);
  if (!admission.admitted) {
    const wait = admission.retryAfter;
    throw new AppError('RATE_LIMITED', `Too many failed sign-ins; retry in ${wait} s`, { retryAfter: wait });
  }
  const { attempt } = admission;
  let user: Awaited<ReturnType<Directory['authenticate']>>;
  try {
    user = await deps.directory.authenticate(username, password);
  } catch (err) {
    await attempt.cancelled(); // nothing was checked (directory unreachable): not a failure
    throw err;
  }
  if (!user) {
    await attempt.failed(password);
    request.log.info({ address: username, ip: request.ip, method: 'basic' }, 'api authentication failed');
    throw new AppError('UNAUTHENTICATED', 'Invalid credentials');
  }
  await attempt.succeeded();
  return principalFromUser(user);
}

/**
 * A key, app token or header that did not verify: counted against the
 * address's budget for those (apart from passwords); past it, 429 instead of
 * 401, so a client stuck on a revoked key is told to back off.
 */
async function refuseSecret(
  request: FastifyRequest,
  deps: AuthHookDeps,
  method: 'malformed' | 'api-key' | 'app-token',
  refusal = new AppError('UNAUTHENTICATED', 'Invalid credentials'),
): Promise<never> {
  const wait = await deps.loginGuard.secretFailed(request.ip);
  request.log.info({ ip: request.ip, method }, 'api authentication failed');
  if (wait > 0) {
    throw new AppError('RATE_LIMITED', `Too many invalid credentials; retry in ${wait} s`, {
      retryAfter: wait,
    });
  }
  throw refusal;
}

const TOKEN_REFUSED: Record<TokenRejection, string> = {
  expired: 'The access token expired',
  revoked: 'The app was disabled, deleted or given a new secret since this token was issued',
  invalid: 'The access token is not valid here',
};

/**
 * A Bearer JWT: one of our app tokens (RFC 9068), verified and turned into
 * the app's principal. Refusals carry the RFC 6750 §3 `invalid_token`
 * challenge, which tells a client to fetch a new token. Only tokens that are
 * not ours count as failed sign-ins: an expired or revoked one was genuine.
 */
async function verifyAppToken(
  request: FastifyRequest,
  token: string,
  deps: AuthHookDeps,
): Promise<Principal> {
  const result = await deps.appTokens.verify(token);
  if (result.ok) return principalFromAppGrant(result.grant);
  const description = TOKEN_REFUSED[result.reason];
  const refusal = new AppError('UNAUTHENTICATED', description, {
    challenge: `Bearer realm="jdmail", error="invalid_token", error_description="${description}"`,
  });
  if (result.reason === 'invalid') return refuseSecret(request, deps, 'app-token', refusal);
  request.log.info({ ip: request.ip, reason: result.reason }, 'app token refused');
  throw refusal;
}

const WIDGET_TOKEN_REFUSED: Record<TokenRejection, string> = {
  expired: 'The widget token expired',
  revoked: 'The widget token’s app or user was disabled, deleted or changed since it was issued',
  invalid: 'The widget token is not valid here',
};

/**
 * A widget token: verified, its app's current state applied, and its user
 * still there and enabled (a disabled user's widget stops at once). Refused
 * like an app token, with the `invalid_token` challenge that tells the
 * widget to ask its page for a new one (the `token-expired` event).
 */
async function verifyWidgetToken(
  request: FastifyRequest,
  token: string,
  deps: AuthHookDeps,
): Promise<Principal> {
  const result = await deps.appTokens.widgetTokens.verify(token);
  if (result.ok) {
    const user = await deps.directory.getUser(result.grant.address).catch(() => null);
    if (user?.enabled && user.id === result.grant.userId) return principalFromWidgetGrant(result.grant, user);
  }
  const reason: TokenRejection = result.ok ? 'revoked' : result.reason;
  const description = WIDGET_TOKEN_REFUSED[reason];
  const refusal = new AppError('UNAUTHENTICATED', description, {
    challenge: `Bearer realm="jdmail", error="invalid_token", error_description="${description}"`,
  });
  if (reason === 'invalid') return refuseSecret(request, deps, 'app-token', refusal);
  request.log.info({ ip: request.ip, reason }, 'widget token refused');
  throw refusal;
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
