import { type Static, Type } from 'typebox';

const Budget = (def: number, description: string) =>
  Type.Integer({ minimum: 10, maximum: 600_000, default: def, description });

/**
 * `filter`: the verdict pipeline every message passes between SMTP DATA and
 * the store (filter/pipeline.ts). Its stages have their own sections: `virus.*`
 * (clamd; no address: no virus stage), `spam.*` (the classifier scores nothing
 * until it has learned `minSpamLearned`/`minHamLearned`) and the rules (REST).
 */
export const FilterSchema = Type.Object(
  {
    enabled: Type.Boolean({
      default: true,
      description: 'Run the filter pipeline on mail received over SMTP (MX and submission)',
    }),
    spamBudgetMs: Budget(
      2000,
      'Time budget of the spam stage; over it the message is delivered without a spam verdict',
    ),
    rulesBudgetMs: Budget(
      2000,
      'Time budget of the rules stage (looking up the rule sets); over it the message is refused for now (451 4.7.1)',
    ),
    quarantineTo: Type.Union([Type.Literal('admin'), Type.Literal('junk')], {
      default: 'admin',
      description:
        "Where a quarantine verdict puts a message: 'admin' holds it for an administrator (GET /api/v1/quarantine); 'junk' delivers it to the recipient's Junk",
    }),
    mailFeatures: Type.Boolean({
      default: true,
      description:
        "Add mail features to the spam score beside the Bayes: SPF/DKIM/DMARC results, the client's forward-confirmed reverse DNS (mail from outside, not from mailAuth.trustedNetworks), and the sender's history with the recipient's domain",
    }),
    outboundSpam: Type.Union([Type.Literal('quarantine'), Type.Literal('reject'), Type.Literal('accept')], {
      default: 'quarantine',
      description:
        "What outbound mail (submission, the send API) scoring above filter.outboundSpamThreshold gets: 'quarantine' holds it for an administrator (its remote recipients are queued only when released), 'reject' refuses it (SMTP 550 5.7.1, REST 422), 'accept' sends it (the score is recorded)",
    }),
    outboundSpamThreshold: Type.Number({
      minimum: 0,
      maximum: 1,
      default: 0.99,
      description:
        "Spam score above which outbound mail gets filter.outboundSpam; far above spam.junkThreshold, since holding a user's own mail by mistake costs more than a message in Junk",
    }),
  },
  { default: {}, additionalProperties: false },
);
export type FilterConfig = Static<typeof FilterSchema>;
