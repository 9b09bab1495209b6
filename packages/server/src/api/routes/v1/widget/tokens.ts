import { Type } from 'typebox';
import { AppError } from '../../../../shared/index.js';
import { assertCanGrant, principalOf } from '../../../auth/index.js';
import { iso, ref } from '../../../schemas/common.js';
import { CreateWidgetTokenBody, WidgetTokenModel } from '../../../schemas/widget.js';
import { BODY_PROBLEMS, op, problems } from '../../op.js';
import { visibleUser } from '../access.js';
import type { V1Plugin } from '../deps.js';

const UserParams = Type.Object({ address: Type.String({ minLength: 3, maxLength: 320 }) });

/** `POST /users/{address}/widget-tokens`: a portal's backend mints the widget's credential for one user. */
export const widgetTokenRoutes: V1Plugin = async (app, { directory, oauth, widget }) => {
  const maxLifetime = widget?.tokenLifetimeSeconds ?? 900;

  app.post(
    '/users/:address/widget-tokens',
    op(
      {
        operationId: 'createWidgetToken',
        tag: 'widget',
        summary: 'Mint a widget token for a user',
        description:
          'The credential of `<jdmail-inbox>` for one user, minted by the portal’s backend for the employee ' +
          'it has signed in. It may only read that user’s unread count and newest messages, follow their ' +
          'event stream, and open one of their messages in webmail — every other route refuses it — and only ' +
          'from a page on one of the app’s `allowedOrigins` (CORS). It lives `ttlSeconds` (default and at ' +
          'most the `widget.tokenLifetimeSeconds` setting, 15 min); the portal mints a new one when the ' +
          'widget fires `token-expired`. Opening a message signs the user in to webmail, so it works only ' +
          'while the app also holds `sso:issue`. Only an app (client credentials token) can mint: the token ' +
          'is bound to that app’s origins, and disabling the app, rotating its secret or disabling the user ' +
          'revokes it.',
        scope: 'widget:issue',
        callers:
          'apps with `widget:issue`, for users they manage (a domain-restricted app only in its domain); ' +
          'API keys and users cannot, since a widget token is bound to an app’s allowed origins',
      },
      {
        params: UserParams,
        body: ref(CreateWidgetTokenBody),
        response: {
          201: ref(WidgetTokenModel, 'The token'),
          ...problems(403, 404, 409, ...BODY_PROBLEMS),
        },
      },
    ),
    async (request, reply) => {
      const principal = principalOf(request);
      if (principal.kind !== 'app') {
        throw new AppError(
          'FORBIDDEN',
          'Widget tokens are minted by an app (client credentials): they are bound to its allowed origins',
        );
      }
      const user = await visibleUser(request, directory, 'widget:issue', request.params.address);
      // The widget can open webmail as the user: no more than a login link the app could issue.
      assertCanGrant(principal, user.role, user.adminDomains);
      if (!user.enabled) throw new AppError('USER_DISABLED', `${user.address} is disabled`);
      const minter = await oauth.apps.get(principal.id);
      if (minter.allowedOrigins.length === 0) {
        throw new AppError('NO_ALLOWED_ORIGINS', `Set allowedOrigins on app ${minter.clientId} first`);
      }
      const lifetimeSeconds = Math.min(request.body?.ttlSeconds ?? maxLifetime, maxLifetime);
      const { token, exp } = await oauth.widgetTokens.issue({
        clientId: minter.clientId,
        address: user.address,
        userId: user.id,
        lifetimeSeconds,
      });
      request.log.info({ clientId: minter.clientId, address: user.address }, 'widget token issued');
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({
          token,
          expiresAt: iso(exp * 1000),
          expiresIn: lifetimeSeconds,
          allowedOrigins: minter.allowedOrigins,
        });
    },
  );
};
