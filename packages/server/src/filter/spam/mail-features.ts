/**
 * Mail features the Bayes cannot see in the message bytes: what the MX's
 * SPF/DKIM/DMARC checks found, the connecting client's reverse DNS, and the
 * sender's history with the recipient's domain. Each is a named feature with
 * points on the score's own scale (0 ham … 1 spam), added to the Bayes score
 * and clamped to [0, 1] — as SpamAssassin adds its rules' points beside its
 * Bayes. They are small on purpose: a confident Bayes score (near 0 or 1)
 * stays where it is, and they decide the messages near the thresholds.
 */

/** One feature that counted, e.g. `{ name: 'RDNS_NONE', points: 0.1 }`. */
export interface MailFeature {
  name: string;
  points: number;
}

/** SPF/DKIM/DMARC results of the message, as the MX found them (`none` when not checked). */
export interface AuthFeatureInput {
  spf?: string;
  dkim?: string;
  dmarc?: string;
}

/** The client's reverse DNS: `confirmed` (PTR whose name resolves back to the IP), `mismatch`, `none`. */
export interface RdnsFeatureInput {
  status: 'confirmed' | 'mismatch' | 'none';
  /** The PTR name (lower case), '' for none. */
  name: string;
}

/** What the recipient's domain knows of the envelope sender (`sender-history.ts`). */
export interface SenderHistoryInput {
  /** Local users of the recipient's domain have written to this address. */
  writtenTo: boolean;
  /** …to some address of the sender's domain. */
  domainWrittenTo: boolean;
  /** Mail from this address was learned as ham for the recipient's domain ("Not junk", training). */
  hamLearned: boolean;
}

/** The points of each feature (documented in README.md, "How the filter decides"). */
export const FEATURE_POINTS = {
  AUTH_DMARC_PASS: -0.1,
  AUTH_DMARC_FAIL: 0.15,
  AUTH_SPF_FAIL: 0.1,
  AUTH_SPF_SOFTFAIL: 0.05,
  AUTH_DKIM_PASS: -0.05,
  AUTH_DKIM_FAIL: 0.05,
  AUTH_NONE: 0.05,
  RDNS_NONE: 0.1,
  RDNS_MISMATCH: 0.05,
  RDNS_DYNAMIC: 0.05,
  SENDER_WRITTEN_TO: -0.2,
  SENDER_DOMAIN_WRITTEN_TO: -0.1,
  SENDER_HAM_LEARNED: -0.1,
  SENDER_FIRST_TIME: 0.05,
} as const;

export type FeatureName = keyof typeof FEATURE_POINTS;

/** Most a sender's good history lowers the score: a known sender is still scored on the message. */
const MAX_HISTORY_BONUS = -0.2;

const feature = (name: FeatureName): MailFeature => ({ name, points: FEATURE_POINTS[name] });

/** The authentication features: a pass lowers the score, a fail raises it, nothing at all raises it a little. */
export function authFeatures(auth: AuthFeatureInput | null): MailFeature[] {
  if (!auth) return [];
  const out: MailFeature[] = [];
  if (auth.dmarc === 'pass') out.push(feature('AUTH_DMARC_PASS'));
  if (auth.dmarc === 'fail') out.push(feature('AUTH_DMARC_FAIL'));
  if (auth.spf === 'fail') out.push(feature('AUTH_SPF_FAIL'));
  if (auth.spf === 'softfail') out.push(feature('AUTH_SPF_SOFTFAIL'));
  // DMARC pass already counts an aligned DKIM pass; a DKIM pass of another domain is worth less.
  if (auth.dkim === 'pass' && auth.dmarc !== 'pass') out.push(feature('AUTH_DKIM_PASS'));
  if (auth.dkim === 'fail') out.push(feature('AUTH_DKIM_FAIL'));
  const none = (r: string | undefined) => r === undefined || r === 'none';
  if (none(auth.spf) && none(auth.dkim)) out.push(feature('AUTH_NONE'));
  return out;
}

/**
 * A PTR name that looks like an ISP's pool of home or dynamic addresses: the
 * address's numbers in the name, or words such as `dyn`, `dsl`, `pool`. Mail
 * servers have names of their own; botnets send from such hosts.
 */
export function looksDynamic(name: string, ip: string): boolean {
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (v4) {
    const [, a, b, c, d] = v4;
    const dashed = new RegExp(`${d}[.-]${c}[.-]${b}[.-]${a}|${a}[.-]${b}[.-]${c}[.-]${d}`);
    if (dashed.test(name)) return true;
  }
  return /(?:^|[.-])(?:dyn(?:amic)?|dsl|adsl|pool|dhcp|ppp|cable|dialup|dial-up|broadband|cpe)(?:[.-]|\d)/i.test(
    name,
  );
}

/** The reverse-DNS features (none for a client not checked). */
export function rdnsFeatures(rdns: RdnsFeatureInput | null, ip: string): MailFeature[] {
  if (!rdns) return [];
  if (rdns.status === 'none') return [feature('RDNS_NONE')];
  const out = rdns.status === 'mismatch' ? [feature('RDNS_MISMATCH')] : [];
  if (looksDynamic(rdns.name, ip)) out.push(feature('RDNS_DYNAMIC'));
  return out;
}

/**
 * The sender-history features. A good history counts only when the message
 * was authenticated (an SPF, DKIM or DMARC pass) and nothing failed: anyone
 * can write a known partner's address in MAIL FROM or From, and a forged one
 * must not lower the score. Mail the MX did not check (mail authentication
 * off, a trusted relay) is taken as it comes.
 */
export function historyFeatures(
  history: SenderHistoryInput | null,
  auth: AuthFeatureInput | null,
): MailFeature[] {
  if (!history) return [];
  const known = history.writtenTo || history.domainWrittenTo || history.hamLearned;
  if (!known) return [feature('SENDER_FIRST_TIME')];
  const failed = auth?.dmarc === 'fail' || auth?.spf === 'fail' || auth?.spf === 'softfail';
  const passed = !auth || auth.dmarc === 'pass' || auth.spf === 'pass' || auth.dkim === 'pass';
  if (failed || !passed) return [];
  const out: MailFeature[] = [];
  if (history.writtenTo) out.push(feature('SENDER_WRITTEN_TO'));
  else if (history.domainWrittenTo) out.push(feature('SENDER_DOMAIN_WRITTEN_TO'));
  if (history.hamLearned) out.push(feature('SENDER_HAM_LEARNED'));
  return out;
}

/** The sum of the features' points, a good history's share capped at MAX_HISTORY_BONUS. */
export function featurePoints(features: readonly MailFeature[]): number {
  let history = 0;
  let other = 0;
  for (const f of features) {
    if (f.name.startsWith('SENDER_') && f.points < 0) history += f.points;
    else other += f.points;
  }
  return other + Math.max(history, MAX_HISTORY_BONUS);
}

/** The combined score: the Bayes score plus the features' points, within [0, 1]. */
export function combineScore(bayes: number, features: readonly MailFeature[]): number {
  if (features.length === 0) return bayes;
  const sum = bayes + featurePoints(features);
  return Math.round(Math.min(1, Math.max(0, sum)) * 1e6) / 1e6;
}

/** A feature as shown in reasons and `X-Spam-Status` (`RDNS_NONE=+0.10`). */
export function featureLabel(f: MailFeature): string {
  return `${f.name}=${f.points >= 0 ? '+' : ''}${f.points.toFixed(2)}`;
}
