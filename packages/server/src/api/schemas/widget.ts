import { type Static, Type } from 'typebox';
import type { MessageSummary } from '../../mail/index.js';
import { iso, ref, Timestamp } from './common.js';
import { AddressModel } from './mail.js';

/** Most messages one widget shows. */
export const WIDGET_MAX_MESSAGES = 20;

export const CreateWidgetTokenBody = Type.Object(
  {
    ttlSeconds: Type.Optional(
      Type.Integer({
        minimum: 5,
        maximum: 86_400,
        description:
          'Lifetime in seconds; default and maximum: the `widget.tokenLifetimeSeconds` setting (900). The ' +
          'widget asks for a new one a minute (at most a fifth of its lifetime) before it expires.',
      }),
    ),
  },
  { $id: 'CreateWidgetTokenRequest', title: 'CreateWidgetTokenRequest', additionalProperties: false },
);

export const WidgetTokenModel = Type.Object(
  {
    token: Type.String({ description: 'Give it to `<jdmail-inbox token="…">`; it is a bearer credential' }),
    expiresAt: Timestamp('When it stops working; mint a new one before (the widget’s `token-expired` event)'),
    expiresIn: Type.Integer({ minimum: 1, description: 'Seconds until then' }),
    allowedOrigins: Type.Array(Type.String(), { description: 'The origins it works from (the app’s, now)' }),
  },
  {
    $id: 'WidgetToken',
    title: 'WidgetToken',
    description: 'A read-only, short-lived credential of the inbox widget for one user',
  },
);

export const WidgetMessageModel = Type.Object(
  {
    id: Type.String({ description: 'The message id (opens it with `POST /widget/open`)' }),
    from: ref(AddressModel),
    subject: Type.String(),
    date: Timestamp('The Date header, or when it arrived'),
    unread: Type.Boolean(),
  },
  { $id: 'WidgetMessage', title: 'WidgetMessage', description: 'One line of the widget' },
);

export const WidgetInboxModel = Type.Object(
  {
    address: Type.String({ description: 'Whose inbox' }),
    unread: Type.Integer({ minimum: 0, description: 'Unread in the mailboxes that hold new mail' }),
    messages: Type.Array(ref(WidgetMessageModel), { description: 'The newest of INBOX, newest first' }),
  },
  { $id: 'WidgetInbox', title: 'WidgetInbox', description: 'What the inbox widget shows' },
);

export const WidgetInboxQuery = Type.Object({
  limit: Type.Optional(
    Type.Integer({ minimum: 0, maximum: WIDGET_MAX_MESSAGES, default: 5, description: 'How many messages' }),
  ),
});

export const OpenMessageBody = Type.Object(
  { messageId: Type.String({ minLength: 1, maxLength: 100, description: 'A message of the token’s user' }) },
  { $id: 'WidgetOpenRequest', title: 'WidgetOpenRequest', additionalProperties: false },
);

export const WidgetOpenModel = Type.Object(
  {
    url: Type.String({ description: 'Single-use login link that lands on the message in webmail' }),
    expiresAt: Timestamp('The link works until then, once'),
  },
  { $id: 'WidgetOpen', title: 'WidgetOpen', description: 'Where to send the browser' },
);

export const WIDGET_MODELS = [
  CreateWidgetTokenBody,
  WidgetTokenModel,
  WidgetMessageModel,
  WidgetInboxModel,
  OpenMessageBody,
  WidgetOpenModel,
];

export const toWidgetMessageJson = (m: MessageSummary): Static<typeof WidgetMessageModel> => ({
  id: m.id,
  from: m.from,
  subject: m.subject,
  date: iso(m.date ?? m.internalDate),
  unread: m.unread,
});
