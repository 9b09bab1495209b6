import { type Static, Type } from 'typebox';

/**
 * `mailAuth`: DKIM signing keys and the MX's checks of inbound mail (SPF,
 * DKIM, DMARC, ARC — RFC 7208, 6376, 7489, 8617) with `mailauth`.
 */
export const MailAuthSchema = Type.Object(
  {
    inbound: Type.Boolean({
      default: true,
      description:
        'Check SPF, DKIM, DMARC and ARC of mail arriving on the MX and add an Authentication-Results header',
    }),
    trustedNetworks: Type.Array(Type.String({ minLength: 1 }), {
      default: ['127.0.0.0/8', '::1'],
      description:
        'Client addresses/CIDRs (JSON array) whose mail the MX does not check, like Postfix mynetworks: your own relays and scanners',
    }),
    dmarcReject: Type.Boolean({
      default: true,
      description: 'Refuse at DATA (550 5.7.1) mail that fails DMARC when the From domain publishes p=reject',
    }),
    dmarcQuarantine: Type.Boolean({
      default: true,
      description: 'Deliver to Junk mail that fails DMARC when the From domain publishes p=quarantine',
    }),
    antiSpoofing: Type.Boolean({
      default: true,
      description:
        'Refuse mail from outside whose From is in a local domain without an aligned SPF or DKIM pass',
    }),
    dkimKeyBits: Type.Integer({
      minimum: 1024,
      maximum: 4096,
      default: 2048,
      description: 'Size of the RSA DKIM keys made for new domains and on rotation',
    }),
    mtaStsMode: Type.Union([Type.Literal('testing'), Type.Literal('enforce'), Type.Literal('none')], {
      default: 'testing',
      description:
        'The mode of the MTA-STS policy jdmail serves at https://mta-sts.<domain>/.well-known/mta-sts.txt (testing, enforce, none)',
    }),
  },
  { default: {}, additionalProperties: false },
);

export type MailAuthConfig = Static<typeof MailAuthSchema>;
