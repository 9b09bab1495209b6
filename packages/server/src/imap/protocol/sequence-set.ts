import { NUMBER32_MAX } from './arguments.js';
import { syntaxError } from './errors.js';

/** A message number or UID, or `*` (the largest in use; RFC 9051 §9 seq-number). */
export type SeqNumber = number | '*';

/** `a:b` (either order) or a single number (`start === end`). */
export interface SeqRange {
  readonly start: SeqNumber;
  readonly end: SeqNumber;
}

/** A sequence set, or `$`: the saved result of the last SEARCH RETURN (SAVE) (RFC 9051 §6.4.4.1). */
export type SequenceSet =
  | { readonly kind: 'ranges'; readonly ranges: readonly SeqRange[] }
  | { readonly kind: 'saved' };

/**
 * Parses `2,4:7,9,12:*` or `$`. Numbers are nz-number (1 to 2^32-1);
 * `allowSaved` says whether `$` may stand here; `allowStar` whether `*` may.
 */
export function parseSequenceSet(
  text: string,
  options: { allowSaved?: boolean; allowStar?: boolean } = {},
): SequenceSet {
  if (text === '$') {
    if (options.allowSaved === false) throw syntaxError('"$" (the saved search result) is not allowed here');
    return { kind: 'saved' };
  }
  const allowStar = options.allowStar !== false;
  const ranges: SeqRange[] = [];
  let i = 0;
  // A hand-written scan: sets of thousands of UIDs are common (Thunderbird, iOS), and split/regex cost 3× more.
  for (;;) {
    const start = scanNumber(text, i, allowStar);
    i = start.next;
    let end = start.value;
    if (text.charCodeAt(i) === COLON) {
      const second = scanNumber(text, i + 1, allowStar);
      end = second.value;
      i = second.next;
    }
    ranges.push({ start: start.value, end });
    if (i === text.length) return { kind: 'ranges', ranges };
    if (text.charCodeAt(i) !== COMMA) throw invalidSet(text, allowStar);
    i++;
  }
}

const COLON = 0x3a;
const COMMA = 0x2c;
const STAR = 0x2a;

/** Reads a seq-number at `i`: `*` or 1 to 2^32-1 (leading zeros tolerated). */
function scanNumber(text: string, i: number, allowStar: boolean): { value: SeqNumber; next: number } {
  if (allowStar && text.charCodeAt(i) === STAR) return { value: '*', next: i + 1 };
  let value = 0;
  let j = i;
  for (; j < text.length; j++) {
    const d = text.charCodeAt(j) - 0x30;
    if (d < 0 || d > 9) break;
    value = value * 10 + d;
    if (value > NUMBER32_MAX) throw invalidSet(text, allowStar);
  }
  if (j === i || value === 0) throw invalidSet(text, allowStar);
  return { value, next: j };
}

function invalidSet(text: string, allowStar: boolean): Error {
  const what = allowStar ? 'numbers from 1 to 4294967295 or *' : 'numbers from 1 to 4294967295';
  return syntaxError(`Invalid sequence set "${clip(text)}": expected ${what}, joined by ":" and ","`);
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** True if `text` looks like a sequence set (digits, `*`, `:`, `,`) or is `$`. */
export function looksLikeSequenceSet(text: string): boolean {
  return text === '$' || /^[0-9*][0-9*:,]*$/.test(text);
}

/**
 * The ranges of a set with `*` replaced by `largest`, each low-high, sorted
 * and merged: `5:3,*,4:9` with largest 20 → [[3, 9], [20, 20]]. With
 * `largest` 0 (empty mailbox), a range with `*` matches nothing.
 */
export function resolveSequenceSet(ranges: readonly SeqRange[], largest: number): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const range of ranges) {
    const a = range.start === '*' ? largest : range.start;
    const b = range.end === '*' ? largest : range.end;
    if (a === 0 || b === 0) continue;
    spans.push(a <= b ? [a, b] : [b, a]);
  }
  spans.sort((x, y) => x[0] - y[0]);
  const merged: Array<[number, number]> = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span[0] <= last[1] + 1) last[1] = Math.max(last[1], span[1]);
    else merged.push([span[0], span[1]]);
  }
  return merged;
}

/** Whether `n` lies in resolved ranges (binary search). */
export function inRanges(ranges: ReadonlyArray<readonly [number, number]>, n: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [a, b] = ranges[mid] as readonly [number, number];
    if (n < a) hi = mid - 1;
    else if (n > b) lo = mid + 1;
    else return true;
  }
  return false;
}

/**
 * The shortest wire form of a set of numbers: `1:3,5,9:10` (for ESEARCH
 * ALL, COPYUID, VANISHED). Order and duplicates in the input do not matter.
 */
export function formatSequenceSet(numbers: Iterable<number>): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** The wire form of resolved ranges: [[1, 3], [5, 5]] → `1:3,5`. */
export function formatRanges(ranges: ReadonlyArray<readonly [number, number]>): string {
  return ranges.map(([a, b]) => (a === b ? `${a}` : `${a}:${b}`)).join(',');
}
