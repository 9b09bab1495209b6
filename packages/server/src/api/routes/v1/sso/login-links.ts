import { assertCanGrant, type Principal, principalOf } from '../../../auth/index.js';
import { ref } from '../../../schemas/common.js';
import { CreateLoginLinkBody, LoginLinkModel } from '../../../schemas/sso.js';
import { baseUrlOf } from '../../auth/deps.js';
import { BODY_PROBLEMS, op, problems } from '../../op.js';
import { visibleUser } from '../access.js';
import type { V1Plugin } from '../deps.js';

/** The issuer as the audit names it. */
const issuerOf = (p: Principal): string =>
  p.kind === 'api_key' ? `api_key:${p.id}` : `user:${[...p.addresses][0] ?? p.id}`;

/** `POST /sso/login-links`: one-click sign-in for portals and OA systems. */
export const loginLinkRoutes: V1Plugin = async (app, { directory, sso, publicUrl }) => {
  if (!sso) return;

  app.post(
    '/sso/login-links',
    op(
      {
        operationId: 'createLoginLink',
        tag: 'sso',
        summary: 'Create a one-click login link',
        description:
          'A URL that opens the webmail signed in as `user`, for a portal that already knows who ' +
          'the employee is. It works once, for `ttlSeconds` (default 60, at most 300), and not at ' +
          'all once the user is disabled or their password changes. Send the browser to it at ' +
          'once; a used, expired or forged link lands on the login page with `error=link_invalid`. ' +
          'Every issue and use is audited.',
        scope: 'sso:issue',
        callers:
          'integrations with `sso:issue` and admins, for users they manage (a domain-restricted key only in its domain)',
      },
      {
        body: ref(CreateLoginLinkBody),
        response: { 201: ref(LoginLinkModel, 'The link'), ...problems(403, 404, ...BODY_PROBLEMS) },
      },
    ),
    async (request, reply) => {
      const principal = principalOf(request);
      const user = await visibleUser(request, directory, 'sso:issue', request.body.user);
      // Signing in as someone is acting as them: only for users the caller could manage.
      assertCanGrant(principal, user.role, user.adminDomains);
      const link = await sso.loginLinks.issue({
        user,
        redirect: request.body.redirect,
        ttlSeconds: request.body.ttlSeconds,
        issuer: issuerOf(principal),
        ip: request.ip,
      });
      const url = `${baseUrlOf(request, publicUrl)}/auth/link/${link.token}`;
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({ url, expiresAt: new Date(link.expiresAt).toISOString() });
    },
  );
};
