import { AppError } from '../../../shared/index.js';
import { safeEqual } from '../../../sso/index.js';
import { clearSessionCookie, readSessionToken, setSessionCookie } from '../../auth/session-cookie.js';
import { ref } from '../../schemas/common.js';
import {
  AuthConfigModel,
  LoginBody,
  LogoutResult,
  toWebSessionJson,
  WebSessionModel,
} from '../../schemas/sso.js';
import { BODY_PROBLEMS, problemsExactly } from '../op.js';
import { baseUrlOf, clientOf, secureCookies, type WebAuthPlugin } from './deps.js';

const COOKIE_SECURITY = [{ cookieAuth: [] }];

/** `/auth/login`, `/auth/session`, `/auth/logout`, `/auth/config`: the webmail's sign-in API. */
export const sessionRoutes: WebAuthPlugin = async (app, { sso, directory, publicUrl }) => {
  app.get(
    '/auth/config',
    {
      config: { public: true },
      schema: {
        operationId: 'getAuthConfig',
        tags: ['web-auth'],
        summary: 'Sign-in methods',
        description: 'What the login page offers: password sign-in, and one button per SSO provider.',
        security: [],
        response: { 200: ref(AuthConfigModel, 'The sign-in methods') },
      },
    },
    async () => sso.loginConfig(),
  );

  app.post(
    '/auth/login',
    {
      config: { public: true },
      schema: {
        operationId: 'webLogin',
        tags: ['web-auth'],
        summary: 'Sign in with address and password',
        description:
          'Starts a web session and sets the `jdmail_session` cookie (HttpOnly, SameSite=Lax; Secure ' +
          'over TLS). A cookie the browser still held is revoked: every sign-in gets a new session. ' +
          'Failed attempts make the next one wait (429 with `Retry-After`), per account and address ' +
          'and per address; a stranger can delay a user’s sign-in by at most 30 s, never block it.',
        security: [],
        body: ref(LoginBody),
        response: {
          200: ref(WebSessionModel, 'Signed in; the cookie is set'),
          ...problemsExactly(401, 403, 429, 500, 503, ...BODY_PROBLEMS),
        },
      },
    },
    async (request, reply) => {
      const { address, password } = request.body;
      const { token, session, user } = await sso.passwordLogin.login({
        address,
        password,
        client: clientOf(request),
        replaces: readSessionToken(request),
      });
      setSessionCookie(reply, token, session.expiresAt, secureCookies(request, publicUrl));
      return toWebSessionJson(user, session);
    },
  );

  app.get(
    '/auth/session',
    {
      config: { public: true },
      schema: {
        operationId: 'getWebSession',
        tags: ['web-auth'],
        summary: 'The current web session',
        description: 'Who is signed in with the session cookie, and the CSRF token to send.',
        security: COOKIE_SECURITY,
        response: { 200: ref(WebSessionModel, 'The session'), ...problemsExactly(401, 500) },
      },
    },
    async (request, reply) => {
      const token = readSessionToken(request);
      const session = token === undefined ? null : await sso.sessions.validate(token);
      const user = session && (await directory.getUser(session.userAddress).catch(() => null));
      if (!session || !user) {
        if (token !== undefined) clearSessionCookie(reply, secureCookies(request, publicUrl));
        throw new AppError('UNAUTHENTICATED', 'Not signed in');
      }
      return toWebSessionJson(user, session);
    },
  );

  app.post(
    '/auth/logout',
    {
      config: { public: true },
      schema: {
        operationId: 'webLogout',
        tags: ['web-auth'],
        summary: 'Sign out',
        description:
          'Ends the session and clears the cookie. Needs `X-CSRF-Token`. For an OIDC session, ' +
          '`redirect` is the identity provider’s end-session URL: send the browser there to sign out ' +
          'of the provider too. Without a live session it just clears the cookie.',
        security: COOKIE_SECURITY,
        response: {
          200: ref(LogoutResult, 'Signed out'),
          ...problemsExactly(403, 500),
        },
      },
    },
    async (request, reply) => {
      const token = readSessionToken(request);
      const session = token === undefined ? null : await sso.sessions.validate(token);
      let redirect: string | null = null;
      if (session) {
        const sent = request.headers['x-csrf-token'];
        if (typeof sent !== 'string' || !safeEqual(sent, session.csrfToken)) {
          throw new AppError('CSRF_FAILED', 'Send the session’s csrfToken in the X-CSRF-Token header');
        }
        await sso.sessions.revoke(session.id, 'logout');
        redirect = await sso.endSessionUrl(session, baseUrlOf(request, publicUrl));
        request.log.info({ user: session.userAddress, session: session.id }, 'web sign-out');
      }
      clearSessionCookie(reply, secureCookies(request, publicUrl));
      return { redirect };
    },
  );
};
