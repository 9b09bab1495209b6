import type { Kysely } from 'kysely';
import type { DB } from '../../store/index.js';
import {
  type BayesParams,
  chiSquareCombine,
  DEFAULT_PARAMS,
  significantTokens,
  type TokenCounts,
} from './bayes.js';
import { combineScore, type MailFeature } from './mail-features.js';
import { messageKey } from './message-key.js';
import { createTokenCountCache, type TokenCountCache } from './token-cache.js';
import { tokenId } from './token-hash.js';
import {
  type CountChanges,
  createSpamTokenStore,
  GLOBAL_SCOPE,
  type LearnOutcome,
  type SpamClass,
  type SpamTokenStore,
} from './token-store.js';
import { type TokenizeOptions, tokenizeMessage } from './tokenize.js';
import { decideUnsure } from './unsure.js';

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
  /**
   * Seconds between re-reads of the global model's changed counts into this
   * process's in-memory copy (`token-cache.ts`); 0: no copy, every message
   * looks its tokens up in the SQL store.
   */
  cacheRefreshSeconds?: number;
}

export type SpamVerdictKind = 'ham' | 'tag' | 'junk' | 'untrained';

/** The classifier's answer for one message. */
export interface SpamVerdict {
  /** 0 (ham) … 1 (spam): the Bayes score plus the mail features' points; null while the model has learned too few messages. */
  score: number | null;
  /** The Bayes score alone (the unsure band decided), before the mail features. */
  bayes: number | null;
  /** The mail features that counted (`mail-features.ts`): authentication, reverse DNS, sender history. */
  features: MailFeature[];
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
  /** Scores a message; `features` (authentication, rDNS, sender history) are added to the Bayes score. */
  classify(raw: Buffer, scope?: SpamScope, features?: readonly MailFeature[]): Promise<SpamVerdict>;
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
  /** Robinson's constants and the token selection (`DEFAULT_PARAMS` by default). */
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

/** Totals and token counts of the message's scopes: the global model from the cache when there is one. */
async function countsOf(
  store: SpamTokenStore,
  cache: TokenCountCache | null,
  scopes: string[],
  ids: number[],
): Promise<{ totals: TokenCounts; counts: Map<number, TokenCounts> }> {
  if (!cache) return { totals: await store.totals(scopes), counts: await store.counts(scopes, ids) };
  const global = await cache.lookup(ids);
  const own = scopes.filter((s) => s !== GLOBAL_SCOPE);
  const ownTotals = own.length > 0 ? await store.totals(own) : { spam: 0, ham: 0 };
  // A user who never trained anything costs no query at all.
  if (ownTotals.spam + ownTotals.ham === 0) return global;
  for (const [id, c] of await store.counts(own, ids)) {
    const g = global.counts.get(id);
    global.counts.set(id, { spam: c.spam + (g?.spam ?? 0), ham: c.ham + (g?.ham ?? 0) });
  }
  const totals = { spam: global.totals.spam + ownTotals.spam, ham: global.totals.ham + ownTotals.ham };
  return { totals, counts: global.counts };
}

async function classifyWith(
  store: SpamTokenStore,
  cache: TokenCountCache | null,
  deps: SpamClassifierDeps,
  raw: Buffer,
  scope: SpamScope | undefined,
  features: readonly MailFeature[],
): Promise<SpamVerdict> {
  const tokens = await hashedTokens(raw, deps.tokenize);
  const { totals, counts } = await countsOf(store, cache, scopesOf(scope), [...tokens.keys()]);
  if (totals.spam < deps.settings.minSpamLearned || totals.ham < deps.settings.minHamLearned)
    return {
      score: null,
      bayes: null,
      features: [],
      verdict: 'untrained',
      tokens: tokens.size,
      significant: 0,
      reasons: [],
    };
  const significant = significantTokens(counts, totals.spam, totals.ham, {
    ...DEFAULT_PARAMS,
    ...deps.bayes,
  });
  // In the unsure band our own features decide (unsure.ts); the Bayes score stands outside it.
  const bayes = decideUnsure(chiSquareCombine(significant.map((t) => t.probability)), tokens.values());
  const score = combineScore(bayes, features);
  return {
    score,
    bayes,
    features: [...features],
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
  const refreshSeconds = deps.settings.cacheRefreshSeconds ?? 0;
  const cache =
    refreshSeconds > 0
      ? createTokenCountCache({
          store,
          scope: GLOBAL_SCOPE,
          totals: () => store.totals([GLOBAL_SCOPE]),
          refreshMs: refreshSeconds * 1000,
          now,
        })
      : null;
  const scopeOf = (scope?: SpamScope) => scope?.userId ?? GLOBAL_SCOPE;
  const written = (scope: string, changes: CountChanges | null) => {
    if (changes && scope === GLOBAL_SCOPE) cache?.apply(changes);
  };
  const learnMany: SpamClassifier['learnMany'] = async (items, scope) => {
    const prepared = await Promise.all(
      items.map(async (i) => ({
        key: messageKey(i.raw),
        class: i.class,
        ids: [...(await hashedTokens(i.raw, deps.tokenize)).keys()],
      })),
    );
    const { outcomes, changes } = await store.learn(scopeOf(scope), prepared, now());
    written(scopeOf(scope), changes);
    return outcomes;
  };
  return {
    classify: (raw, scope, features) => classifyWith(store, cache, deps, raw, scope, features ?? []),
    learnMany,
    async learn(raw, cls, scope) {
      return (await learnMany([{ raw, class: cls }], scope))[0] as LearnOutcome;
    },
    async unlearn(raw, scope) {
      const changes = await store.unlearn(scopeOf(scope), messageKey(raw), now());
      written(scopeOf(scope), changes);
      return changes !== null;
    },
    learned: (scope) => store.totals(scopesOf(scope)),
  };
}
