/**
 * The Bayesian arithmetic, as SpamAssassin's Bayes does it (its
 * `Mail::SpamAssassin::Bayes::CombineChi`), from Gary Robinson's "A
 * Statistical Approach to the Spam Problem" (Linux Journal, 2003).
 */

/** Robinson's strength of the prior: how many messages' worth of evidence the prior `x` counts as. */
export const ROBINSON_S = 0.03;
/** Robinson's prior: the probability assumed for a token never seen. */
export const ROBINSON_X = 0.538;
/** Tokens whose f(w) is within this of 0.5 say too little to count. */
export const MIN_PROB_STRENGTH = 0.346;
/** At most this many of the most significant tokens are combined. */
export const MAX_SIGNIFICANT = 150;

/**
 * Tokens seen in fewer learned messages than this are left out (hapaxes, at 2): one message's
 * worth of evidence gives f(w) ≈ 0.99, and a message from a sender the model never learned is
 * full of such tokens from that sender's one look-alike.
 */
export const MIN_TOKEN_COUNT = 2;

/** Robinson's constants and the token selection. */
export interface BayesParams {
  s: number;
  x: number;
  minStrength: number;
  maxSignificant: number;
  /** Learned messages a token must have been seen in to count (1: every token). */
  minCount?: number;
}

export const SPAMASSASSIN_PARAMS: BayesParams = {
  s: ROBINSON_S,
  x: ROBINSON_X,
  minStrength: MIN_PROB_STRENGTH,
  maxSignificant: MAX_SIGNIFICANT,
};

/**
 * What the classifier uses: SpamAssassin's constants, hapaxes left out, and tokens from 0.3 of
 * 0.5 counted (SpamAssassin: 0.346). Chosen by `bench/spam/tune.ts` (cross-validation on the 2002
 * sets folded by sender domain; see bench/README.md): F1 0.959 → 0.969, false positives 10 → 6 of
 * 2,500 against SpamAssassin's values.
 */
export const DEFAULT_PARAMS: BayesParams = {
  ...SPAMASSASSIN_PARAMS,
  minStrength: 0.3,
  minCount: MIN_TOKEN_COUNT,
};

/** Counts of one token and the totals they are out of. */
export interface TokenCounts {
  spam: number;
  ham: number;
}

/**
 * Robinson's f(w): the token's spam probability from its counts, pulled
 * towards `x` when it has been seen in few messages:
 * p(w) = (s(w)/nspam) / (s(w)/nspam + h(w)/nham), f(w) = (S·x + n·p(w)) / (S + n).
 */
export function robinsonF(
  counts: TokenCounts,
  nspam: number,
  nham: number,
  params: BayesParams = SPAMASSASSIN_PARAMS,
): number {
  const n = counts.spam + counts.ham;
  if (n === 0 || nspam === 0 || nham === 0) return params.x;
  const spamRatio = counts.spam / nspam;
  const hamRatio = counts.ham / nham;
  const p = spamRatio / (spamRatio + hamRatio);
  return (params.s * params.x + n * p) / (params.s + n);
}

/**
 * The chi-square survival function Q(χ² | 2v degrees of freedom) for an even
 * number of degrees of freedom, by its series (Robinson's `chi2Q`):
 * e^(−m) · Σ_{i<v} m^i / i!, with m = χ²/2.
 */
export function chi2Q(chi: number, degrees: number): number {
  const m = chi / 2;
  let term = Math.exp(-m);
  let sum = term;
  for (let i = 1; i < degrees / 2; i++) {
    term *= m / i;
    sum += term;
  }
  return Math.min(sum, 1);
}

/**
 * Fisher's method, both ways (Robinson's inverse chi-square combining): H is
 * how unlikely the f(w) are under "all these tokens are hammy by chance", S
 * the same for spammy; the indicator (1 + H − S) / 2 is near 1 for spam, near
 * 0 for ham, and near 0.5 when the evidence pulls both ways or is absent.
 */
export function chiSquareCombine(probabilities: readonly number[]): number {
  const n = probabilities.length;
  if (n === 0) return 0.5;
  let lnSpam = 0;
  let lnHam = 0;
  for (const p of probabilities) {
    lnHam += Math.log(p);
    lnSpam += Math.log(1 - p);
  }
  const h = chi2Q(-2 * lnHam, 2 * n);
  const s = chi2Q(-2 * lnSpam, 2 * n);
  return (1 + h - s) / 2;
}

/** A token that counted in a verdict, for the reasons shown to an administrator. */
export interface SignificantToken {
  id: number;
  probability: number;
}

/**
 * The most significant tokens' f(w): those farther than MIN_PROB_STRENGTH
 * from 0.5, the MAX_SIGNIFICANT farthest first. Probabilities are clamped
 * away from 0 and 1 so one token can never decide alone (log(0)).
 */
export function significantTokens(
  counts: ReadonlyMap<number, TokenCounts>,
  nspam: number,
  nham: number,
  params: BayesParams = SPAMASSASSIN_PARAMS,
): SignificantToken[] {
  const out: SignificantToken[] = [];
  const minCount = params.minCount ?? 1;
  for (const [id, c] of counts) {
    if (c.spam + c.ham < minCount) continue;
    const f = robinsonF(c, nspam, nham, params);
    if (Math.abs(f - 0.5) < params.minStrength) continue;
    out.push({ id, probability: Math.min(Math.max(f, 1e-6), 1 - 1e-6) });
  }
  out.sort((a, b) => Math.abs(b.probability - 0.5) - Math.abs(a.probability - 0.5));
  return out.length > params.maxSignificant ? out.slice(0, params.maxSignificant) : out;
}
