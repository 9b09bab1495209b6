import { type Static, Type } from 'typebox';

const Score = (def: number, description: string) =>
  Type.Number({ minimum: 0, maximum: 1, default: def, description });
const Count = (def: number, description: string) =>
  Type.Integer({ minimum: 0, maximum: 1_000_000, default: def, description });

/**
 * The spam classifier (`filter/spam/`). Scores run from 0 (ham) to 1 (spam);
 * 0.5 means the evidence is absent or pulls both ways. The defaults were
 * chosen on a held-out part of the 2002 SpamAssassin corpus (see bench/README.md).
 */
export const SpamSchema = Type.Object(
  {
    tagThreshold: Score(
      0.45,
      'Score above which a message is tagged as probable spam (X-Spam-Flag) but delivered as usual',
    ),
    junkThreshold: Score(0.5, 'Score above which a message is spam: it goes to the Junk folder'),
    minSpamLearned: Count(200, 'Spam messages the model must have learned before it scores mail'),
    minHamLearned: Count(200, 'Ham messages the model must have learned before it scores mail'),
    cacheRefreshSeconds: Type.Integer({
      minimum: 0,
      maximum: 3600,
      default: 10,
      description:
        "Each process scores mail from an in-memory copy of the global model's token counts and re-reads the counts changed in the database (by other nodes) at most this often; learns made by the process itself apply at once. 0: no copy, every message looks its tokens up in the database",
    }),
  },
  { default: {}, additionalProperties: false },
);
export type SpamConfig = Static<typeof SpamSchema>;
