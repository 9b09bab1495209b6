import { Type } from 'typebox';
import { readSessionToken, setSessionCookie } from '../../auth/session-cookie.js';
import { problemsExactly } from '../op.js';
import { clientOf, loginError, Redirect, secureCookies, type WebAuthPlugin } from './deps.js';

/** `GET /auth/link/{token}`: where a one-click login link lands. */
export const linkRoutes: WebAuthPlugin = async (app, { sso, publicUrl }) => {
  app.get(
    '/auth/link/:token',
    {
      config: { public: true },
      // A HEAD (link checkers, mail scanners) must not use up the link.
      exposeHeadRoute: false,
      schema: {
        operationId: 'openLoginLink',
        tags: ['web-auth'],
        summary: 'Open a login link',
        description:
          'Signs the browser in (new session cookie) and redirects to the link’s webmail path. A used, ' +
          'expired or forged link, or one of a user disabled or with a changed password since, ' +
          'redirects to `/login?error=link_invalid` and signs nobody in.',
        security: [],
        params: Type.Object({ token: Type.String({ maxLength: 256, description: 'The link’s secret' }) }),
        response: {
          302: Redirect('To the webmail path (signed in), or to /login?error=link_invalid'),
          ...problemsExactly(500),
        },
      },
    },
    async (request, reply) => {
      const result = await sso.loginLinks.consume(
        request.params.token,
        clientOf(request),
        readSessionToken(request),
      );
      // The URL held a credential: no cache may keep this answer.
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
      if (!result.ok) return reply.redirect(loginError('link_invalid'), 302);
      setSessionCookie(reply, result.token, result.session.expiresAt, secureCookies(request, publicUrl));
      return reply.redirect(result.redirect, 302);
    },
  );
};
