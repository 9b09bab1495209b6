import { Type } from 'typebox';
import { AppError, isAppError } from '../../../shared/index.js';
import { checkRedirect, randomToken, safeEqual } from '../../../sso/index.js';
import { readSessionToken, setSessionCookie } from '../../auth/session-cookie.js';
import { problemsExactly } from '../op.js';
import { baseUrlOf, clientOf, loginError, Redirect, secureCookies, type WebAuthPlugin } from './deps.js';

const ProviderParams = Type.Object({
  provider: Type.String({ maxLength: 32, description: 'CAS provider id' }),
});
/**
 * Binds a CAS sign-in to the browser that started it: its value is the
 * `state` in the service URL, and a ticket is valid only for its service URL
 * (§2.5.1). A callback URL of an attacker's own sign-in, sent to a victim,
 * fails in the victim's browser (login CSRF).
 */
const BINDING_COOKIE = 'jdmail_cas';
const BINDING_MAX_AGE_S = 10 * 60;
/** Longest single-logout body we read; a SAML LogoutRequest is well under 2 KB. */
const SLO_BODY_LIMIT = 16 * 1024;

/**
 * CAS 3.0 sign-in (`sso.cas[]`): `/auth/cas/{provider}/start` sends the
 * browser to CAS; CAS sends it back to `/callback` with a service ticket,
 * which is validated server-to-server before a session starts. CAS single
 * logout (Appendix C) POSTs to the same callback URL.
 */
export const casRoutes: WebAuthPlugin = async (app, { sso, publicUrl }) => {
  // Only this plugin reads form bodies: CAS's single-logout POST is form-encoded.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: SLO_BODY_LIMIT },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  const providerOf = (id: string) => {
    const provider = sso.cas.client.provider(id);
    if (!provider) throw new AppError('NOT_FOUND', `No CAS provider ${id}`);
    return provider;
  };

  app.get(
    '/auth/cas/:provider/start',
    {
      config: { public: true },
      schema: {
        operationId: 'startCasLogin',
        tags: ['web-auth'],
        summary: 'Sign in with a CAS server',
        description:
          'Redirects the browser to the CAS server’s `/login` (with `renew` or `gateway` when configured). ' +
          '`redirect` is the webmail path to land on afterwards.',
        security: [],
        params: ProviderParams,
        querystring: Type.Object({
          redirect: Type.Optional(Type.String({ maxLength: 2048, description: 'Webmail path to land on' })),
        }),
        response: { 302: Redirect('To the CAS login page'), ...problemsExactly(404, 422, 500) },
      },
    },
    async (request, reply) => {
      const provider = providerOf(request.params.provider);
      const redirect = checkRedirect(request.query.redirect);
      if (!redirect.ok) {
        throw new AppError('VALIDATION_FAILED', `redirect ${redirect.reason}`, { field: 'redirect' });
      }
      const state = randomToken();
      const target = sso.cas.client.loginUrl(baseUrlOf(request, publicUrl), provider, redirect.path, state);
      reply.setCookie(BINDING_COOKIE, state, {
        path: '/auth/cas/',
        httpOnly: true,
        sameSite: 'lax',
        secure: secureCookies(request, publicUrl),
        maxAge: BINDING_MAX_AGE_S,
      });
      return reply.header('cache-control', 'no-store').redirect(target, 302);
    },
  );

  app.get(
    '/auth/cas/:provider/callback',
    {
      config: { public: true },
      bodyLimit: SLO_BODY_LIMIT,
      schema: {
        operationId: 'casCallback',
        tags: ['web-auth'],
        summary: 'Return from a CAS server',
        description:
          'Validates the service ticket at the CAS server (`/p3/serviceValidate`), starts a session for ' +
          'the mapped mailbox and redirects to the webmail path. A refused or unusable ticket, an unknown ' +
          'or disabled mailbox, or an unreachable CAS server redirects to `/login?error=sso_failed`.',
        security: [],
        params: ProviderParams,
        querystring: Type.Object({
          ticket: Type.Optional(Type.String({ maxLength: 512, description: 'CAS service ticket' })),
          state: Type.Optional(
            Type.String({ maxLength: 128, description: 'Binds the sign-in to its browser' }),
          ),
          redirect: Type.Optional(Type.String({ maxLength: 2048, description: 'Webmail path to land on' })),
        }),
        response: {
          302: Redirect('To the webmail path (signed in), or to /login?error=sso_failed'),
          ...problemsExactly(404, 500),
        },
      },
    },
    async (request, reply) => {
      const provider = providerOf(request.params.provider);
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
      const redirect = checkRedirect(request.query.redirect);
      const { ticket, state } = request.query;
      const binding = request.cookies[BINDING_COOKIE];
      reply.clearCookie(BINDING_COOKIE, { path: '/auth/cas/' });
      // No ticket: a `gateway` round trip found no CAS session (§2.1.1), or the user came back by hand.
      if (!ticket || !redirect.ok) return reply.redirect(loginError('sso_failed'), 302);
      if (!state || !binding || !safeEqual(state, binding)) {
        request.log.warn({ provider: provider.id }, 'CAS callback without the browser binding (login CSRF?)');
        return reply.redirect(loginError('sso_failed'), 302);
      }
      try {
        const { token, session } = await sso.cas.signIn({
          provider,
          ticket,
          redirect: redirect.path,
          state,
          baseUrl: baseUrlOf(request, publicUrl),
          client: clientOf(request),
          replaces: readSessionToken(request),
        });
        setSessionCookie(reply, token, session.expiresAt, secureCookies(request, publicUrl));
        return reply.redirect(redirect.path, 302);
      } catch (err) {
        if (!isAppError(err) || !['SSO_FAILED', 'SSO_UNAVAILABLE', 'USER_DISABLED'].includes(err.code))
          throw err;
        request.log.warn(
          { provider: provider.id, code: err.code, reason: err.message },
          'CAS sign-in failed',
        );
        return reply.redirect(loginError('sso_failed'), 302);
      }
    },
  );

  app.post(
    '/auth/cas/:provider/callback',
    {
      config: { public: true },
      bodyLimit: SLO_BODY_LIMIT,
      schema: {
        operationId: 'casSingleLogout',
        tags: ['web-auth'],
        summary: 'CAS single logout',
        description:
          'Called by the CAS server, not by browsers (CAS protocol 3.0, Appendix C): the form field ' +
          '`logoutRequest` holds a SAML LogoutRequest whose SessionIndex is the service ticket that started ' +
          'a session; that session ends. With `logoutFrom` configured, only those addresses may call.',
        security: [],
        params: ProviderParams,
        consumes: ['application/x-www-form-urlencoded'],
        body: Type.Object(
          {
            logoutRequest: Type.String({
              maxLength: SLO_BODY_LIMIT,
              contentMediaType: 'application/xml',
              description: 'SAML 2.0 LogoutRequest',
            }),
          },
          { additionalProperties: true },
        ),
        response: {
          200: Type.Object(
            { ended: Type.Integer({ minimum: 0, description: 'Sessions ended' }) },
            { description: 'Processed' },
          ),
          ...problemsExactly(400, 403, 404, 413, 415, 422, 500),
        },
      },
    },
    async (request) => {
      const provider = providerOf(request.params.provider);
      if (provider.logoutFrom.length > 0 && !provider.logoutFrom.includes(request.ip)) {
        throw new AppError('FORBIDDEN', 'Single logout is not accepted from this address');
      }
      const ended = await sso.cas.singleLogout(provider, request.body.logoutRequest);
      if (ended === null) throw new AppError('BAD_REQUEST', 'logoutRequest is not a SAML LogoutRequest');
      return { ended };
    },
  );
};
