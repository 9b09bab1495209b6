import { FLAG } from '../../../store/index.js';
import { inRanges, resolveSequenceSet, type SearchKey, type SequenceSet } from '../../protocol/index.js';
import { type ParsedAddress, parseAddressList } from '../fetch/address-list.js';
import type { SelectedMailbox } from '../selected-mailbox.js';
import { indexText, type MessageFacts, TIER, type Tier } from './facts.js';
import { dayOf, utcDay } from './search-dates.js';
import { foldText } from './text-fold.js';

/** A result that may not be known yet: undefined until the tier it needs is loaded. */
type Maybe = boolean | undefined;

/** A compiled search key: the tier it needs and its test. */
export interface Matcher {
  readonly tier: Tier;
  test(facts: MessageFacts): Maybe;
}

/** What compiling needs besides the keys: the view (for `*` and `$`), and where to put text needles. */
export interface CompileContext {
  readonly view: SelectedMailbox;
  /** Folded needles of BODY and TEXT keys, collected for one pass over each body. */
  readonly bodyNeedles: Set<string>;
  /** Whether a MODSEQ key was used (the answer then carries the highest modseq, RFC 7162 §3.1.5). */
  usesModseq: boolean;
}

const SYSTEM: Record<string, number> = {
  '\\seen': FLAG.seen,
  '\\answered': FLAG.answered,
  '\\flagged': FLAG.flagged,
  '\\deleted': FLAG.deleted,
  '\\draft': FLAG.draft,
};

const FLAG_KEYS: Record<string, [bit: number, set: boolean]> = {
  ANSWERED: [FLAG.answered, true],
  DELETED: [FLAG.deleted, true],
  DRAFT: [FLAG.draft, true],
  FLAGGED: [FLAG.flagged, true],
  SEEN: [FLAG.seen, true],
  UNANSWERED: [FLAG.answered, false],
  UNDELETED: [FLAG.deleted, false],
  UNDRAFT: [FLAG.draft, false],
  UNFLAGGED: [FLAG.flagged, false],
  UNSEEN: [FLAG.seen, false],
};

const always = (value: boolean): Matcher => ({ tier: TIER.state, test: () => value });
const at = (tier: Tier, test: (f: MessageFacts) => Maybe): Matcher => ({ tier, test });

/** `n` is in the sorted saved result `$` (RFC 9051 §6.4.4.1). */
function inSaved(saved: Uint32Array | null, uid: number): boolean {
  if (!saved) return false;
  let lo = 0;
  let hi = saved.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = saved[mid] as number;
    if (v === uid) return true;
    if (v < uid) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

function setMatcher(set: SequenceSet, byUid: boolean, view: SelectedMailbox): Matcher {
  if (set.kind === 'saved') {
    const saved = view.savedSearch ? Uint32Array.from(view.savedSearch).sort() : null;
    return at(TIER.state, (f) => inSaved(saved, f.uid));
  }
  const ranges = resolveSequenceSet(set.ranges, byUid ? view.lastUid : view.exists);
  return at(TIER.state, (f) => inRanges(ranges, byUid ? f.uid : f.seq));
}

function hasKeyword(facts: MessageFacts, flag: string): boolean {
  const bit = SYSTEM[flag.toLowerCase()];
  if (bit !== undefined) return (facts.flags & bit) !== 0;
  const wanted = flag.toLowerCase();
  return facts.keywords.some((k) => k.toLowerCase() === wanted);
}

/** An address-list header value as the envelope holds it: group names, display names and addresses. */
function addressText(value: string): string {
  const words: string[] = [];
  const add = (a: ParsedAddress) => words.push(`${a.name ?? ''} ${a.mailbox}@${a.host}`);
  for (const entry of parseAddressList(value)) {
    if ('group' in entry) {
      words.push(entry.group);
      entry.members.forEach(add);
    } else add(entry);
  }
  return words.join(', ');
}

function textMatcher(key: SearchKey & { value: string }, ctx: CompileContext): Matcher {
  const needle = foldText(key.value);
  switch (key.key) {
    case 'SUBJECT':
      return at(TIER.record, (f) => indexText(f)?.subject.includes(needle));
    case 'FROM':
    case 'TO':
    case 'CC': {
      // The index answers yes at once; its no is not final, as it keeps only the first From
      // address and no group names (RFC 5322 §3.4): those are read from the header.
      const field = key.key.toLowerCase() as 'from' | 'to' | 'cc';
      return at(TIER.header, (f) => {
        if (indexText(f)?.[field].includes(needle)) return true;
        return f.header
          ? f.header.fields.some(([n, v]) => n === field && addressText(v).includes(needle))
          : undefined;
      });
    }
    case 'BCC':
      return at(TIER.header, (f) => f.header?.fields.some(([n, v]) => n === 'bcc' && v.includes(needle)));
    case 'BODY':
      ctx.bodyNeedles.add(needle);
      return at(TIER.body, (f) => f.body?.has(needle));
    default: {
      // TEXT: the header section or the body (RFC 9051 §6.4.4).
      ctx.bodyNeedles.add(needle);
      const inHeader = (f: MessageFacts) => f.header?.fields.some(([n, v]) => `${n}: ${v}`.includes(needle));
      return at(TIER.body, (f) => (inHeader(f) ? true : f.body?.has(needle)));
    }
  }
}

/** Compiles one search key (RFC 9051 §6.4.4, RFC 7162 §3.1.5). */
export function compileKey(key: SearchKey, ctx: CompileContext): Matcher {
  switch (key.key) {
    case 'ALL':
      return always(true);
    // \Recent exists for IMAP4rev1 sessions only (RFC 9051 Appendix E); NEW is RECENT UNSEEN (RFC 3501 §6.4.4).
    case 'RECENT':
      return at(TIER.state, (f) => f.recent);
    case 'OLD':
      return at(TIER.state, (f) => !f.recent);
    case 'NEW':
      return at(TIER.state, (f) => f.recent && (f.flags & FLAG.seen) === 0);
    case 'KEYWORD':
      return at(TIER.state, (f) => hasKeyword(f, key.flag));
    case 'UNKEYWORD':
      return at(TIER.state, (f) => !hasKeyword(f, key.flag));
    case 'UID':
      return setMatcher(key.set, true, ctx.view);
    case 'SEQUENCE':
      return setMatcher(key.set, false, ctx.view);
    case 'MODSEQ':
      ctx.usesModseq = true;
      return at(TIER.state, (f) => f.modseq >= key.modseq);
    case 'LARGER':
      return at(TIER.record, (f) => (f.record ? f.record.size > key.size : undefined));
    case 'SMALLER':
      return at(TIER.record, (f) => (f.record ? f.record.size < key.size : undefined));
    case 'BEFORE':
    case 'ON':
    case 'SINCE':
      return dayMatcher(
        key.key,
        dayOf(key.date),
        TIER.record,
        (f) => f.record && utcDay(f.record.internalDate),
      );
    case 'SENTBEFORE':
    case 'SENTON':
    case 'SENTSINCE':
      return dayMatcher(
        key.key.slice(4),
        dayOf(key.date),
        TIER.header,
        (f) => f.header && (f.header.sent ?? false),
      );
    case 'HEADER': {
      const field = key.field.toLowerCase();
      const needle = foldText(key.value);
      return at(TIER.header, (f) => f.header?.fields.some(([n, v]) => n === field && v.includes(needle)));
    }
    case 'NOT': {
      const inner = compileKey(key.operand, ctx);
      return at(inner.tier, (f) => {
        const r = inner.test(f);
        return r === undefined ? undefined : !r;
      });
    }
    case 'OR':
      return anyOf([compileKey(key.left, ctx), compileKey(key.right, ctx)]);
    case 'AND':
      return allOf(key.operands.map((k) => compileKey(k, ctx)));
    case 'BCC':
    case 'BODY':
    case 'CC':
    case 'FROM':
    case 'SUBJECT':
    case 'TEXT':
    case 'TO':
      return textMatcher(key, ctx);
    default: {
      const [bit, set] = FLAG_KEYS[key.key] as [number, boolean];
      return at(TIER.state, (f) => ((f.flags & bit) !== 0) === set);
    }
  }
}

/** BEFORE/ON/SINCE on a day: `day` gives the message's (false: it has none; undefined: not loaded). */
function dayMatcher(
  kind: string,
  wanted: number,
  tier: Tier,
  day: (f: MessageFacts) => number | false | null | undefined,
): Matcher {
  return at(tier, (f) => {
    const d = day(f);
    if (d === undefined || d === null) return undefined;
    if (d === false) return false;
    return kind === 'BEFORE' ? d < wanted : kind === 'ON' ? d === wanted : d >= wanted;
  });
}

/** All must match; cheaper operands are tried first, so a false one spares loading what the others need. */
export function allOf(operands: Matcher[]): Matcher {
  const sorted = [...operands].sort((a, b) => a.tier - b.tier);
  return at(Math.max(TIER.state, ...sorted.map((m) => m.tier)) as Tier, (f) => {
    let unknown = false;
    for (const m of sorted) {
      const r = m.test(f);
      if (r === false) return false;
      if (r === undefined) unknown = true;
    }
    return unknown ? undefined : true;
  });
}

function anyOf(operands: Matcher[]): Matcher {
  const sorted = [...operands].sort((a, b) => a.tier - b.tier);
  return at(Math.max(...sorted.map((m) => m.tier)) as Tier, (f) => {
    let unknown = false;
    for (const m of sorted) {
      const r = m.test(f);
      if (r === true) return true;
      if (r === undefined) unknown = true;
    }
    return unknown ? undefined : false;
  });
}
