import { diffLines, normalize, type Transcript } from './imap-diff.js';

/**
 * Masks for differential IMAP tests beyond what {@link normalize} already
 * hides: each names the one difference it allows and why (the RFC allows
 * both answers, or one server's choice is deliberate or wrong), so that a
 * test's list of masks is the list of known differences.
 */
export interface Mask {
  /** Why the two servers may answer differently here. */
  why: string;
  /** The transcript it applies to (`a` is the first server's, `b` the second's); both by default. */
  side?: 'a' | 'b';
  /** Only in the answers to commands matching this (the command line without its tag). */
  command?: RegExp;
  /** The line as it should be compared, or null to leave it out. */
  apply: (line: string) => string | null;
}

/** A mask that replaces `re` by `to` in the server's lines (`to` may use `$1` …). */
export function replaceMask(why: string, re: RegExp, to: string, o: Omit<Mask, 'why' | 'apply'> = {}): Mask {
  return { why, ...o, apply: (l) => l.replace(re, to) };
}

/** A mask that leaves out the server's lines matching `re`. */
export function dropMask(why: string, re: RegExp, o: Omit<Mask, 'why' | 'apply'> = {}): Mask {
  return { why, ...o, apply: (l) => (re.test(l) ? null : l) };
}

/** Splits `a S: <text>` into its head and text; commands and other lines give null. */
function serverText(line: string): { head: string; text: string } | null {
  const m = /^(\S+ S: )(.*)$/s.exec(line);
  return m ? { head: m[1] as string, text: m[2] as string } : null;
}

/** Applies the masks of `side` to a normalized transcript. */
function applyMasks(lines: Transcript, masks: readonly Mask[], side: 'a' | 'b'): Transcript {
  const current = new Map<string, string>();
  const out: Transcript = [];
  for (const line of lines) {
    const c = /^(\S+) C: (?:<tag> )?(.*)$/s.exec(line);
    if (c) {
      current.set(c[1] as string, c[2] as string);
      out.push(line);
      continue;
    }
    const s = serverText(line);
    if (!s) {
      out.push(line);
      continue;
    }
    const command = current.get(line.slice(0, line.indexOf(' '))) ?? '';
    let text: string | null = s.text;
    for (const m of masks) {
      if (text === null) break;
      if (m.side && m.side !== side) continue;
      if (m.command && !m.command.test(command)) continue;
      text = m.apply(text);
    }
    if (text !== null) out.push(s.head + text);
  }
  return out;
}

/**
 * Sorts the untagged answers of the commands matching `commands` (their order
 * is free there, e.g. SELECT's or LIST's), keeping a LIST-STATUS `* STATUS`
 * line with the `* LIST` before it.
 */
function sortAnswers(lines: Transcript, commands: RegExp | undefined): Transcript {
  if (!commands) return lines;
  const out: Transcript = [];
  let groups: string[][] = [];
  let sorting = false;
  const flush = () => {
    out.push(...groups.sort((x, y) => (x[0] ?? '').localeCompare(y[0] ?? '')).flat());
    groups = [];
  };
  for (const line of lines) {
    const c = /^\S+ C: (?:<tag> )?(.*)$/s.exec(line);
    const untagged = /^\S+ S: \* /.test(line);
    if (c) {
      flush();
      sorting = commands.test(c[1] as string);
      out.push(line);
    } else if (sorting && untagged) {
      const last = groups[groups.length - 1];
      if (last && /^\S+ S: \* STATUS /.test(line)) last.push(line);
      else groups.push([line]);
    } else {
      flush();
      out.push(line);
    }
  }
  flush();
  return out;
}

/** Normalizes both transcripts (harness rules, then the masks) and compares them. */
export function compareMasked(
  raw: { a: Transcript; b: Transcript },
  masks: readonly Mask[],
  unordered?: RegExp,
): { a: Transcript; b: Transcript; diff: string } {
  const a = sortAnswers(applyMasks(normalize(raw.a), masks, 'a'), unordered);
  const b = sortAnswers(applyMasks(normalize(raw.b), masks, 'b'), unordered);
  const same = a.length === b.length && a.every((l, i) => l === b[i]);
  return { a, b, diff: same ? '' : diffLines(a, b) };
}
