import { AppError } from '../../../../shared/index.js';
import { principalOf, type WidgetPrincipal } from '../../../auth/index.js';
import { iso, ref } from '../../../schemas/common.js';
import {
  OpenMessageBody,
  toWidgetMessageJson,
  WidgetInboxModel,
  WidgetInboxQuery,
  WidgetOpenModel,
} from '../../../schemas/widget.js';
import { baseUrlOf } from '../../auth/deps.js';
import { BODY_PROBLEMS, op, problems } from '../../op.js';
import type { V1Plugin } from '../deps.js';

/** The caller of a widget-only route (the auth hook let no other through). */
function widgetOf(request: Parameters<typeof principalOf>[0]): WidgetPrincipal {
  const p = principalOf(request);
  if (p.kind !== 'widget') throw new AppError('FORBIDDEN', 'This route takes a widget token');
  return p;
}

const CALLERS = 'the `<jdmail-inbox>` widget, with a widget token, from its app’s allowed origins';

/** The widget's own routes: its inbox summary, and opening a message in webmail. */
export const widgetInboxRoutes: V1Plugin = async (app, { directory, mail, sso, publicUrl }) => {
  app.get(
    '/widget/inbox',
    op(
      {
        operationId: 'getWidgetInbox',
        tag: 'widget',
        summary: 'The widget’s view of its user’s inbox',
        description:
          'The unread count (the mailboxes that hold new mail: all but Sent, Drafts, Junk and Trash) and ' +
          'the newest `limit` messages of INBOX: sender, subject, date and whether unread. Nothing else of ' +
          'a message leaves through a widget token.',
        scope: 'mail:read',
        widget: 'only',
        callers: CALLERS,
      },
      {
        querystring: WidgetInboxQuery,
        response: { 200: ref(WidgetInboxModel, 'The summary'), ...problems(400, 403, 422) },
      },
    ),
    async (request, reply) => {
      const widget = widgetOf(request);
      const limit = request.query.limit ?? 5;
      const [counts, page] = await Promise.all([
        mail.unreadCount(widget.address),
        limit > 0
          ? mail.listMessages(widget.address, { mailbox: 'INBOX', limit })
          : Promise.resolve({ items: [] }),
      ]);
      return reply.header('cache-control', 'no-store').send({
        address: widget.address,
        unread: counts.unread,
        messages: page.items.map(toWidgetMessageJson),
      });
    },
  );

  if (!sso) return;

  app.post(
    '/widget/open',
    op(
      {
        operationId: 'openWidgetMessage',
        tag: 'widget',
        summary: 'Open a message in webmail, signed in',
        description:
          'A single-use login link (60 s) that signs the token’s user in to webmail and lands on the ' +
          'message (`/m/{id}`). The message must be the user’s (else 404). Works only while the app that ' +
          'minted the token holds `sso:issue` (else 403 INSUFFICIENT_SCOPE). Issued and used links are ' +
          'audited as issued by `widget:<clientId>`.',
        scope: 'mail:read',
        widget: 'only',
        callers: CALLERS,
      },
      {
        body: ref(OpenMessageBody),
        response: { 201: ref(WidgetOpenModel, 'The link'), ...problems(403, 404, ...BODY_PROBLEMS) },
      },
    ),
    async (request, reply) => {
      const widget = widgetOf(request);
      if (!widget.canOpen) {
        throw new AppError(
          'INSUFFICIENT_SCOPE',
          'The app that minted this widget token does not hold sso:issue',
        );
      }
      const message = await mail.getMessage(widget.address, request.body.messageId);
      const link = await sso.loginLinks.issue({
        user: await directory.getUser(widget.address),
        redirect: `/m/${encodeURIComponent(message.id)}`,
        issuer: `widget:${widget.id}`,
        ip: request.ip,
      });
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({
          url: `${baseUrlOf(request, publicUrl)}/auth/link/${link.token}`,
          expiresAt: iso(link.expiresAt),
        });
    },
  );
};
