import formbody from '@fastify/formbody';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { checkRedirect } from '../../../sso/index.js';
import { readSessionToken, setSessionCookie } from '../../auth/session-cookie.js';
import { problemsExactly } from '../op.js';
import { baseUrlOf, clientOf, loginError, Redirect, secureCookies, type WebAuthPlugin } from './deps.js';

/**
 * Binds a pending SSO sign-in to the browser that started it: the callback
 * is honoured only with this cookie, so an attacker cannot send a victim a
 * callback URL of the attacker's own sign-in (login CSRF). SameSite=Lax
 * still sends it on the IdP's top-level redirect back to us.
 */
const BINDING_COOKIE = 'jdmail_sso';
const BINDING_MAX_AGE_S = 10 * 60;
/** Longest back-channel logout body we read: one signed JWT of a few claims is 1–2 KB. */
const LOGOUT_TOKEN_BODY_LIMIT = 16 * 1024;

const ProviderParams = Type.Object({
  provider: Type.String({ minLength: 1, maxLength: 64, description: 'The provider id from `/auth/config`' }),
});

const queryOf = (request: FastifyRequest) => {
  const i = request.url.indexOf('?');
  return i < 0 ? '' : request.url.slice(i);
};

/** OIDC sign-in (Authorization Code + PKCE) and OIDC Back-Channel Logout 1.0. */
export const oidcRoutes: WebAuthPlugin = async (app, { sso, publicUrl }) => {
  app.get(
    '/auth/oidc/:provider/start',
    {
      config: { public: true },
      exposeHeadRoute: false,
      schema: {
        operationId: 'startOidcLogin',
        tags: ['web-auth'],
        summary: 'Start an OIDC sign-in',
        description:
          'Redirects the browser to the identity provider. After sign-in there it comes back to the ' +
          'callback and lands on `redirect` (a webmail path; default `/`). When the provider cannot be ' +
          'reached: redirect to `/login?error=sso_failed`.',
        security: [],
        params: ProviderParams,
        querystring: Type.Object({
          redirect: Type.Optional(
            Type.String({ description: 'Webmail path to land on; others are ignored' }),
          ),
        }),
        response: {
          302: Redirect('To the identity provider, or to the login page'),
          ...problemsExactly(500),
        },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const target = checkRedirect(request.query.redirect);
      let started: { url: string; binding: string };
      try {
        started = await sso.oidc.start(request.params.provider, {
          returnTo: target.ok ? target.path : '/',
          baseUrl: baseUrlOf(request, publicUrl),
          binding: request.cookies[BINDING_COOKIE],
        });
      } catch (err) {
        request.log.warn(
          { provider: request.params.provider, err: (err as Error).message },
          'OIDC start failed',
        );
        return reply.redirect(loginError('sso_failed'), 302);
      }
      reply.setCookie(BINDING_COOKIE, started.binding, {
        path: '/auth/',
        httpOnly: true,
        sameSite: 'lax',
        secure: secureCookies(request, publicUrl),
        maxAge: BINDING_MAX_AGE_S,
      });
      return reply.redirect(started.url, 302);
    },
  );

  app.get(
    '/auth/oidc/:provider/callback',
    {
      config: { public: true },
      // A HEAD must not use up the pending sign-in.
      exposeHeadRoute: false,
      schema: {
        operationId: 'finishOidcLogin',
        tags: ['web-auth'],
        summary: 'OIDC callback (redirect_uri)',
        description:
          'Register `<public URL>/auth/oidc/<provider>/callback` as the client’s redirect URI. Exchanges ' +
          'the code (with the PKCE verifier), validates the ID token (signature, issuer, audience, ' +
          'expiry, nonce), maps the configured claim to a mailbox (creating it when JIT provisioning ' +
          'is on), starts a session and redirects to the webmail path the sign-in began with. On any ' +
          'failure: redirect to `/login?error=sso_failed` (or `directory_unavailable`).',
        security: [],
        params: ProviderParams,
        querystring: Type.Object({
          code: Type.Optional(Type.String()),
          state: Type.Optional(Type.String()),
          iss: Type.Optional(Type.String()),
          error: Type.Optional(Type.String()),
          error_description: Type.Optional(Type.String()),
        }),
        response: {
          302: Redirect('To the webmail (signed in), or to the login page'),
          ...problemsExactly(500),
        },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
      const result = await sso.oidc.callback(request.params.provider, {
        search: queryOf(request),
        binding: request.cookies[BINDING_COOKIE],
        client: clientOf(request),
        replaces: readSessionToken(request),
      });
      if (!result.ok) return reply.redirect(loginError(result.error), 302);
      setSessionCookie(reply, result.token, result.session.expiresAt, secureCookies(request, publicUrl));
      return reply.redirect(result.redirect, 302);
    },
  );

  // Form bodies are parsed only here: elsewhere (e.g. /auth/login) they stay
  // unparsed, so a cross-site HTML form can post nothing we would act on.
  await app.register(async (plain) => {
    await plain.register(formbody);
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
    scope.post(
      '/auth/oidc/:provider/backchannel-logout',
      {
        config: { public: true },
        bodyLimit: LOGOUT_TOKEN_BODY_LIMIT,
        // The spec's error format (400 + JSON `error`), not a 422 problem, for a malformed body.
        attachValidation: true,
        schema: {
          operationId: 'oidcBackchannelLogout',
          tags: ['web-auth'],
          summary: 'OIDC back-channel logout',
          description:
            'OpenID Connect Back-Channel Logout 1.0: register `<public URL>/auth/oidc/<provider>/backchannel-logout` ' +
            'as the client’s `backchannel_logout_uri`. The IdP posts a signed logout token; a valid one ' +
            'ends the sessions of that IdP session (`sid`) or user (`sub`). Tokens are checked for ' +
            'signature, issuer, audience, age, the logout event, absence of `nonce`, and replay (`jti`).',
          security: [],
          consumes: ['application/x-www-form-urlencoded'],
          params: ProviderParams,
          body: Type.Object({ logout_token: Type.String({ description: 'The logout token (a JWT)' }) }),
          response: {
            200: { description: 'The named sessions are ended (or there were none)', ...Type.Null() },
            400: {
              description: 'Invalid logout token',
              ...Type.Object({ error: Type.Literal('invalid_request'), error_description: Type.String() }),
            },
            ...problemsExactly(415, 500),
          },
        },
      },
      async (request, reply) => {
        reply.header('cache-control', 'no-store');
        const body = (request.body ?? {}) as { logout_token?: unknown };
        const result = await sso.oidc.backchannelLogout(
          request.params.provider,
          body.logout_token,
          request.ip,
        );
        if (!result.ok) {
          request.log.warn(
            { provider: request.params.provider, reason: result.description },
            'logout token refused',
          );
          return reply.code(400).send({ error: 'invalid_request', error_description: result.description });
        }
        return reply.code(200).send(null);
      },
    );
  });
};
