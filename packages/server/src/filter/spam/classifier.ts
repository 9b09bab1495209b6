import type { Kysely } from 'kysely';
import type { DB } from '../../store/index.js';
import { type BayesParams, chiSquareCombine, SPAMASSASSIN_PARAMS, significantTokens } from './bayes.js';
import { messageKey } from './message-key.js';
import { tokenId } from './token-hash.js';
import {
  createSpamTokenStore,
  GLOBAL_SCOPE,
  type LearnOutcome,
  type SpamClass,
  type SpamTokenStore,
} from './token-store.js';
import { type TokenizeOptions, tokenizeMessage } from './tokenize.js';

/** How verdicts are drawn from the score (the `spam.*` settings). */
export interface SpamClassifierSettings {
  /** Score above which a message is tagged (`X-Spam-Flag`) but delivered to the inbox. */
  tagThreshold: number;
  /** Score above which a message goes to Junk. */
  junkThreshold: number;
  /** Spam messages the model must have learned before it gives a score. */
  minSpamLearned: number;
  /** Ham messages the model must have learned before it gives a score. */
  minHamLearned: number;
}

export type SpamVerdictKind = 'ham' | 'tag' | 'junk' | 'untrained';

/** The classifier's answer for one message. */
export interface SpamVerdict {
  /** 0 (ham) … 1 (spam); null while the model has learned too few messages. */
  score: number | null;
  verdict: SpamVerdictKind;
  /** Distinct tokens of the message, and how many counted in the score. */
  tokens: number;
  significant: number;
  /** The strongest tokens each way (text and f(w)), for an administrator who asks why. */
  reasons: Array<{ token: string; probability: number }>;
}

/** Whose model: the global one, plus a user's own learning when `userId` is given. */
export interface SpamScope {
  userId?: string;
}

export interface SpamClassifier {
  classify(raw: Buffer, scope?: SpamScope): Promise<SpamVerdict>;
  /** Learns a message as spam or ham (into the user's model when `userId` is given, else the global one). */
  learn(raw: Buffer, cls: SpamClass, scope?: SpamScope): Promise<LearnOutcome>;
  /** Learns many messages in one transaction; for training runs. */
  learnMany(
    items: ReadonlyArray<{ raw: Buffer; class: SpamClass }>,
    scope?: SpamScope,
  ): Promise<LearnOutcome[]>;
  /** Forgets a learned message; false when it was not learned in that scope. */
  unlearn(raw: Buffer, scope?: SpamScope): Promise<boolean>;
  /** Messages learned, per class, in the global model (plus the user's). */
  learned(scope?: SpamScope): Promise<{ spam: number; ham: number }>;
}

export interface SpamClassifierDeps {
  db: Kysely<DB>;
  settings: SpamClassifierSettings;
  tokenize?: TokenizeOptions;
  /** Robinson's constants (SpamAssassin's by default). */
  bayes?: Partial<BayesParams>;
  now?: () => number;
}

const REASONS = 10;

function scopesOf(scope: SpamScope | undefined): string[] {
  return scope?.userId ? [GLOBAL_SCOPE, scope.userId] : [GLOBAL_SCOPE];
}

function verdictOf(score: number, s: SpamClassifierSettings): SpamVerdictKind {
  // Strictly above: a message with no known token scores exactly 0.5 and must never be junked for it.
  if (score > s.junkThreshold) return 'junk';
  return score > s.tagThreshold ? 'tag' : 'ham';
}

/** The message's tokens with their ids (distinct ids: two tokens whose hashes collide count once). */
async function hashedTokens(raw: Buffer, options: TokenizeOptions | undefined): Promise<Map<number, string>> {
  const byId = new Map<number, string>();
  for (const token of await tokenizeMessage(raw, options)) byId.set(tokenId(token), token);
  return byId;
}

async function classifyWith(
  store: SpamTokenStore,
  deps: SpamClassifierDeps,
  raw: Buffer,
  scope: SpamScope | undefined,
): Promise<SpamVerdict> {
  const scopes = scopesOf(scope);
  const totals = await store.totals(scopes);
  const tokens = await hashedTokens(raw, deps.tokenize);
  if (totals.spam < deps.settings.minSpamLearned || totals.ham < deps.settings.minHamLearned)
    return { score: null, verdict: 'untrained', tokens: tokens.size, significant: 0, reasons: [] };
  const counts = await store.counts(scopes, [...tokens.keys()]);
  const significant = significantTokens(counts, totals.spam, totals.ham, {
    ...SPAMASSASSIN_PARAMS,
    ...deps.bayes,
  });
  const score = chiSquareCombine(significant.map((t) => t.probability));
  return {
    score,
    verdict: verdictOf(score, deps.settings),
    tokens: tokens.size,
    significant: significant.length,
    reasons: significant
      .slice(0, REASONS)
      .map((t) => ({ token: tokens.get(t.id) ?? '', probability: t.probability })),
  };
}

/** The Bayesian spam classifier over the SQL token store. */
export function createSpamClassifier(deps: SpamClassifierDeps): SpamClassifier {
  const store = createSpamTokenStore(deps.db);
  const now = deps.now ?? Date.now;
  const scopeOf = (scope?: SpamScope) => scope?.userId ?? GLOBAL_SCOPE;
  const learnMany: SpamClassifier['learnMany'] = async (items, scope) => {
    const prepared = await Promise.all(
      items.map(async (i) => ({
        key: messageKey(i.raw),
        class: i.class,
        ids: [...(await hashedTokens(i.raw, deps.tokenize)).keys()],
      })),
    );
    return store.learn(scopeOf(scope), prepared, now());
  };
  return {
    classify: (raw, scope) => classifyWith(store, deps, raw, scope),
    learnMany,
    async learn(raw, cls, scope) {
      return (await learnMany([{ raw, class: cls }], scope))[0] as LearnOutcome;
    },
    unlearn: (raw, scope) => store.unlearn(scopeOf(scope), messageKey(raw)),
    learned: (scope) => store.totals(scopesOf(scope)),
  };
}
