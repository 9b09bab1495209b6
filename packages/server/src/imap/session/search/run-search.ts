import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { MessageRecord } from '../../../store/index.js';
import { inRanges, resolveSequenceSet, type SearchKey, type SeqRange } from '../../protocol/index.js';
import type { MessageSource } from '../fetch/index.js';
import type { SelectedMailbox } from '../selected-mailbox.js';
import type { SessionContext } from '../types.js';
import { scanBodyText } from './body-text.js';
import { type HeaderFacts, type MessageFacts, TIER } from './facts.js';
import { headerFieldTexts } from './header-text.js';
import { allOf, compileKey, type Matcher } from './matcher.js';
import { sentDay } from './search-dates.js';
import { NeedleScanner } from './text-fold.js';

/** A matching message. `record` is there when the search read records (always with `records: true`). */
export interface SearchHit {
  readonly uid: number;
  readonly seq: number;
  readonly modseq: number;
  readonly record: MessageRecord | null;
}

/** Compiled search keys: the matcher, the body needles, and whether MODSEQ was a key. */
export interface SearchPlan {
  readonly keys: readonly SearchKey[];
  readonly matcher: Matcher;
  readonly needles: readonly string[];
  readonly usesModseq: boolean;
}

/** Past this many candidates, a search on flags alone reads the UID list (one query) rather than records. */
const UID_LIST_THRESHOLD = 2000;
/** Messages between two yields to the event loop, so one long SEARCH does not stall other sessions. */
const YIELD_EVERY = 256;

/** Compiles search keys (all must match) against the view. */
export function planSearch(keys: readonly SearchKey[], view: SelectedMailbox): SearchPlan {
  const ctx = { view, bodyNeedles: new Set<string>(), usesModseq: false };
  const matcher = allOf(keys.map((k) => compileKey(k, ctx)));
  return { keys, matcher, needles: [...ctx.bodyNeedles], usesModseq: ctx.usesModseq };
}

type Ranges = Array<[number, number]>;

function intersect(a: Ranges, b: Ranges): Ranges {
  const out: Ranges = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [a0, a1] = a[i] as [number, number];
    const [b0, b1] = b[j] as [number, number];
    const lo = Math.max(a0, b0);
    const hi = Math.min(a1, b1);
    if (lo <= hi) out.push([lo, hi]);
    if (a1 < b1) i++;
    else j++;
  }
  return out;
}

/** The sequence numbers the top-level UID and sequence-set keys leave (all messages when there are none). */
function candidateSeqs(keys: readonly SearchKey[], view: SelectedMailbox): Ranges {
  let seqs: Ranges = view.exists > 0 ? [[1, view.exists]] : [];
  for (const key of keys) {
    if (key.key === 'UID')
      seqs = intersect(
        seqs,
        view.resolve(key.set, true).seqRanges.map(([a, b]) => [a, b]),
      );
    else if (key.key === 'SEQUENCE') {
      const own =
        key.set.kind === 'saved'
          ? view.resolve(key.set, true).seqRanges.map(([a, b]): [number, number] => [a, b])
          : resolveSequenceSet(key.set.ranges, view.exists);
      seqs = intersect(seqs, own);
    }
  }
  return seqs;
}

/**
 * Runs a search over the selected mailbox's messages (those the client
 * knows: the view's), calling `visit` for each match in ascending order.
 * Cheap keys are tried first and each message's header and body are read
 * only when a key still undecided needs them (see `TIER`); a search on
 * flags alone over many messages reads the UID list instead of records.
 */
export async function runSearch(
  ctx: SessionContext,
  source: MessageSource,
  plan: SearchPlan,
  visit: (hit: SearchHit) => void,
  options: { records?: boolean } = {},
): Promise<void> {
  const view = ctx.selected;
  const user = ctx.user;
  if (!view || !user) throw new Error('SEARCH without a selected mailbox');
  const seqs = candidateSeqs(plan.keys, view);
  if (seqs.length === 0) return;
  const count = seqs.reduce((n, [a, b]) => n + b - a + 1, 0);
  if (plan.matcher.tier === TIER.state && !options.records && count > UID_LIST_THRESHOLD) {
    return searchUidList(ctx, plan, seqs, visit);
  }
  const ranges: SeqRange[] = seqs.map(([a, b]) => ({ start: a, end: b }));
  const { uids } = view.resolve({ kind: 'ranges', ranges }, false);
  let n = 0;
  for await (const record of ctx.store.fetchMessages(user.id, view.mailboxId, uids)) {
    if (++n % YIELD_EVERY === 0) await yieldToLoop();
    if (ctx.closed) return;
    const seq = view.seqOf(record.uid);
    if (seq === 0) continue;
    const recent = !ctx.rev2 && view.isRecent(record.uid);
    const facts: MessageFacts = { ...record, seq, recent, record, header: null, body: null };
    if (await matches(source, plan, facts, record))
      visit({ uid: record.uid, seq, modseq: record.modseq, record });
  }
}

/** Decides one message, loading its header and then its body only while the answer is still open. */
async function matches(source: MessageSource, plan: SearchPlan, facts: MessageFacts, record: MessageRecord) {
  let result = plan.matcher.test(facts);
  if (result === undefined) {
    facts.header = await headerFacts(source, record);
    result = plan.matcher.test(facts);
  }
  if (result === undefined) {
    const { root } = await source.structure(record);
    const scanner = new NeedleScanner(plan.needles);
    await scanBodyText(source, record, root, scanner);
    facts.body = scanner.matches;
    result = plan.matcher.test(facts);
  }
  return result === true;
}

async function headerFacts(source: MessageSource, record: MessageRecord): Promise<HeaderFacts> {
  const parsed = await source.header(record);
  return { fields: headerFieldTexts(parsed.header), sent: sentDay(parsed.root.fields.date) };
}

/** A flags-only search over the UID list: one read of the mailbox's flags, no records. */
async function searchUidList(
  ctx: SessionContext,
  plan: SearchPlan,
  seqs: Ranges,
  visit: (hit: SearchHit) => void,
): Promise<void> {
  const view = ctx.selected as SelectedMailbox;
  const user = ctx.user as { id: string };
  const list = await ctx.store.loadUidList(user.id, view.mailboxId);
  const noKeywords: string[] = [];
  for (let i = 0; i < list.uids.length; i++) {
    const uid = list.uids[i] as number;
    const seq = view.seqOf(uid);
    if (seq === 0 || !inRanges(seqs, seq)) continue;
    const facts: MessageFacts = {
      uid,
      seq,
      flags: list.flags[i] as number,
      keywords: list.keywords.get(uid) ?? noKeywords,
      modseq: list.modseqs[i] as number,
      recent: !ctx.rev2 && view.isRecent(uid),
      record: null,
      header: null,
      body: null,
    };
    if (plan.matcher.test(facts) === true) visit({ uid, seq, modseq: facts.modseq, record: null });
  }
}
