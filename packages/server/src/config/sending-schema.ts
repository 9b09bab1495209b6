import { Type } from 'typebox';

const PerHour = (def: number, description: string) =>
  Type.Integer({ minimum: 0, default: def, description: `${description}; 0 = unlimited` });

/**
 * `sending`: how much mail an authenticated sender may send (submission,
 * `POST /users/{address}/send`, the webmail). Every send counts, to local
 * recipients too: a stolen password used to phish colleagues is as much a
 * problem as one used to spam the world. Counted per envelope recipient (a
 * group address is one). Over a limit: `451 4.7.1` on submission, `429
 * SEND_RATE_LIMITED` with `Retry-After` on the API.
 */
export const SendingSchema = Type.Object(
  {
    userMessagesPerHour: PerHour(500, 'Messages one user may send per hour'),
    userRecipientsPerHour: PerHour(
      2_000,
      'Recipients one user may send to per hour, over all their messages',
    ),
    domainMessagesPerHour: PerHour(
      20_000,
      'Messages all senders of one domain (the envelope sender’s) may send per hour',
    ),
    domainRecipientsPerHour: PerHour(
      100_000,
      'Recipients all senders of one domain may send to per hour, over all their messages',
    ),
  },
  { default: {}, additionalProperties: false },
);
