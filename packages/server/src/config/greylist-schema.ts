import { type Static, Type } from 'typebox';

/**
 * `greylist`: greylisting on the MX (filter/greylist). A first-time (client
 * network, envelope sender, recipient) triplet is answered `451 4.7.1` at
 * RCPT; a real MTA retries after a while and is let through, most spam
 * software never comes back. Authenticated submission is never greylisted.
 */
export const GreylistSchema = Type.Object(
  {
    enabled: Type.Boolean({
      default: false,
      description: 'Greylist first-time (client /24 or /64, sender, recipient) triplets on the MX',
    }),
    delaySeconds: Type.Integer({
      minimum: 0,
      maximum: 86_400,
      default: 300,
      description: 'How long a new triplet is deferred (451 4.7.1) before a retry is accepted',
    }),
    retryWindowHours: Type.Integer({
      minimum: 1,
      maximum: 720,
      default: 24,
      description: 'How long after the first attempt a retry still counts; later, the triplet starts over',
    }),
    passLifetimeDays: Type.Integer({
      minimum: 1,
      maximum: 3650,
      default: 36,
      description:
        'How long a triplet that passed is accepted at once; each message renews it (36 days covers monthly senders)',
    }),
    exemptNetworks: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description:
        'Client addresses/CIDRs (JSON array) never greylisted, e.g. big senders that retry from other addresses. Clients in mailAuth.trustedNetworks are never greylisted either',
    }),
    exemptDomains: Type.Array(Type.String({ minLength: 1, pattern: '^[^@\\s]+$' }), {
      default: [],
      description:
        'Envelope sender domains (JSON array; subdomains included) never greylisted. Note that anyone can write any MAIL FROM: exempt only what SPF protects',
    }),
  },
  { default: {}, additionalProperties: false },
);
export type GreylistConfig = Static<typeof GreylistSchema>;
