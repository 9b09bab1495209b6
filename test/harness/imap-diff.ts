import { type CommandPart, type ImapResponse, type ImapTarget, ImapWire } from './imap-wire.js';

/**
 * Differential IMAP testing: the same scripted session against two servers
 * (jdmail and Dovecot, or two Dovecots to prove the harness), both transcripts
 * normalized so that only what RFC 9051 leaves to the server is masked —
 * tags, UIDVALIDITY values, dates, modseq values, capability and ID lists,
 * and the human-readable text after a status response's code — and compared.
 */

/** One server to run the script against. `$USER` and `$PASS` in the script become these. */
export interface DiffServer {
  target: ImapTarget;
  user: string;
  password: string;
}

/**
 * One step of a script, run in session `session` (default `a`; a session
 * connects on its first step, and its greeting is part of the transcript).
 * - a string or parts (text and literals): one command; the step ends with its tagged reply;
 * - `{ idle: true }`: IDLE, until the server's `+`; `{ done: true }`: DONE, until IDLE's reply;
 * - `{ waitFor: /EXISTS/ }`: the untagged responses received outside a command, up to one that
 *   matches (e.g. what an idling session was told).
 * `$USER`, `$PASS` and, once seen in that session, `$UIDVALIDITY` and `$HIGHESTMODSEQ` are replaced.
 */
export type DiffStep =
  | string
  | CommandPart[]
  | { session?: string; command: string | CommandPart[] }
  | { session?: string; idle: true }
  | { session?: string; done: true }
  | { session?: string; waitFor: RegExp; timeoutMs?: number };

export interface NormalizeOptions {
  /** Mask MODSEQ and HIGHESTMODSEQ values (default true: each server counts its own). */
  modseq?: boolean;
  /** Sort the untagged responses of each command (their order is free in places, e.g. SELECT). */
  unorderedUntagged?: boolean;
  /** Further replacements, applied last to every line. */
  replace?: Array<[RegExp, string]>;
}

/** A transcript: one entry per line, `<session> C: <command>` or `<session> S: <response>`. */
export type Transcript = string[];

export interface DiffResult {
  /** The two transcripts as received. */
  raw: { a: Transcript; b: Transcript };
  /** The two transcripts normalized. */
  a: Transcript;
  b: Transcript;
  same: boolean;
  /** The normalized transcripts' differences, `-` for a and `+` for b (empty when the same). */
  diff: string;
}

const IMAP_DATE = /"\s?\d{1,2}-[A-Za-z]{3}-\d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}"/g;

/** Normalizes one transcript line (see the module comment); client lines keep their text but lose their tag. */
export function normalizeLine(line: string, o: NormalizeOptions = {}): string {
  const m = /^(\S+ [CS]: )(.*)$/s.exec(line);
  const head = m?.[1] ?? '';
  let t = m?.[2] ?? line;
  // Tags: the client's are numbered alike on both sides, but a normalized transcript shows none.
  t = t.replace(/^A\d+ /, '<tag> ');
  // Status responses (RFC 9051 §7.1): keep the status and the response code, drop the text.
  t = t.replace(/^(<tag>|\*) (OK|NO|BAD|BYE|PREAUTH)( \[[^\]]*\])?(?: [^\r\n]*)?$/i, '$1 $2$3');
  t = t.replace(/^\+(?: .*)?$/s, '+');
  t = t.replace(/\[CAPABILITY [^\]]*\]/i, '[CAPABILITY <capabilities>]');
  t = t.replace(/^\* CAPABILITY .*$/is, '* CAPABILITY <capabilities>');
  t = t.replace(/^\* ID .*$/is, '* ID <id>');
  t = t.replace(/\b(UIDVALIDITY) \d+/gi, '$1 <uidvalidity>');
  t = t.replace(/\[(APPENDUID|COPYUID) \d+/gi, '[$1 <uidvalidity>');
  t = t.replace(IMAP_DATE, '"<date>"');
  if (o.modseq ?? true) {
    t = t.replace(/\b(HIGHESTMODSEQ) \d+/gi, '$1 <modseq>');
    t = t.replace(/\b(MODSEQ) \(\d+\)/gi, '$1 (<modseq>)');
  }
  for (const [re, to] of o.replace ?? []) t = t.replace(re, to);
  return head + t;
}

/** Normalizes a whole transcript (see {@link NormalizeOptions}). */
export function normalize(transcript: Transcript, o: NormalizeOptions = {}): Transcript {
  const lines = transcript.map((l) => normalizeLine(l, o));
  if (!o.unorderedUntagged) return lines;
  const out: string[] = [];
  let untagged: string[] = [];
  const flush = () => {
    out.push(...untagged.sort());
    untagged = [];
  };
  for (const l of lines) {
    if (/^\S+ S: \* /.test(l)) untagged.push(l);
    else {
      flush();
      out.push(l);
    }
  }
  flush();
  return out;
}

interface Session {
  wire: ImapWire;
  vars: Record<string, string>;
  idle: { done(): Promise<import('./imap-wire.js').ImapReply> } | null;
}

function substitute(text: string, vars: Record<string, string>): string {
  return text.replace(/\$([A-Z]+)/g, (all, name: string) => vars[name] ?? all);
}

function noteVars(vars: Record<string, string>, responses: ImapResponse[]): void {
  for (const r of responses) {
    const uv = /\bUIDVALIDITY (\d+)/i.exec(r.text);
    if (uv?.[1]) vars.UIDVALIDITY = uv[1];
    const hm = /\bHIGHESTMODSEQ (\d+)/i.exec(r.text);
    if (hm?.[1]) vars.HIGHESTMODSEQ = hm[1];
  }
}

function show(parts: CommandPart[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : `{${p.literal.length}}`)).join('');
}

type StepObject = Exclude<DiffStep, string | CommandPart[]>;

/** Runs one step in session `s`, appending what was sent and received to `out`. */
async function runStep(name: string, s: Session, o: StepObject, out: Transcript, timeoutMs: number) {
  const record = (rs: ImapResponse[]) => {
    for (const r of rs) out.push(`${name} S: ${r.text}`);
  };
  if ('waitFor' in o) {
    const rs = await s.wire.waitFor(o.waitFor, o.timeoutMs ?? timeoutMs);
    noteVars(s.vars, rs);
    return record(rs);
  }
  // Anything the server sent between commands (outside IDLE) comes before the next command.
  if (!s.idle) record(s.wire.unsolicited.splice(0));
  if ('idle' in o) {
    out.push(`${name} C: IDLE`);
    s.idle = await s.wire.idle(timeoutMs);
    out.push(`${name} S: +`);
    return;
  }
  if ('done' in o) {
    if (!s.idle) throw new Error(`session ${name}: DONE without IDLE`);
    out.push(`${name} C: DONE`);
    record(s.wire.unsolicited.splice(0));
    const r = await s.idle.done();
    s.idle = null;
    record(r.untagged);
    out.push(`${name} S: ${r.text}`);
    return;
  }
  // The transcript shows the command as scripted ($USER, not the user), so both sides read alike.
  const template = Array.isArray(o.command) ? o.command : [o.command];
  const parts = template.map((p) => (typeof p === 'string' ? substitute(p, s.vars) : p));
  out.push(`${name} C: A? ${show(template)}`);
  const at = out.length - 1;
  const r = await s.wire.command(parts, { timeoutMs });
  out[at] = `${name} C: ${r.tag} ${show(template)}`;
  noteVars(s.vars, r.untagged);
  record(r.untagged);
  out.push(`${name} S: ${r.text}`);
}

/** Runs a script against one server and returns its transcript (not normalized). */
export async function runScript(
  server: DiffServer,
  steps: DiffStep[],
  timeoutMs = 15_000,
): Promise<Transcript> {
  const out: Transcript = [];
  const sessions = new Map<string, Session>();
  try {
    for (const step of steps) {
      const o: StepObject = typeof step === 'string' || Array.isArray(step) ? { command: step } : step;
      const name = o.session ?? 'a';
      let s = sessions.get(name);
      if (!s) {
        const wire = await ImapWire.connect(server.target, timeoutMs);
        s = { wire, vars: { USER: server.user, PASS: server.password }, idle: null };
        sessions.set(name, s);
        out.push(`${name} S: ${wire.greeting}`);
      }
      await runStep(name, s, o, out, timeoutMs);
    }
  } catch (err) {
    throw new Error(`${(err as Error).message}\ntranscript so far:\n${out.join('\n')}`);
  } finally {
    for (const s of sessions.values()) s.wire.destroy();
  }
  return out;
}

/** The lines that differ between two transcripts, as a minimal line diff (`-` a, `+` b, two lines of context). */
export function diffLines(a: Transcript, b: Transcript): string {
  const n = a.length;
  const m = b.length;
  // Longest common subsequence lengths of the suffixes a[i..], b[j..].
  const lcs = new Int32Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => lcs[i * (m + 1) + j] ?? 0;
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i * (m + 1) + j] = a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
  const ops: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push(`  ${a[i++]}`);
      j++;
    } else if (i < n && (j >= m || at(i + 1, j) >= at(i, j + 1))) ops.push(`- ${a[i++]}`);
    else ops.push(`+ ${b[j++]}`);
  }
  const changed = (k: number) => ops.slice(Math.max(0, k - 2), k + 3).some((x) => !x.startsWith('  '));
  const shown: string[] = [];
  ops.forEach((op, k) => {
    if (changed(k)) shown.push(op);
    else if (shown[shown.length - 1] !== '  …') shown.push('  …');
  });
  return shown.join('\n');
}

/**
 * Runs `steps` against server `a`, then against server `b`, and compares the
 * normalized transcripts. Give each server a user whose mailboxes start alike
 * (the script is the same; what it finds there is part of the transcript).
 */
export async function imapDiff(
  a: DiffServer,
  b: DiffServer,
  steps: DiffStep[],
  o: NormalizeOptions & { timeoutMs?: number } = {},
): Promise<DiffResult> {
  const rawA = await runScript(a, steps, o.timeoutMs);
  const rawB = await runScript(b, steps, o.timeoutMs);
  const na = normalize(rawA, o);
  const nb = normalize(rawB, o);
  const same = na.length === nb.length && na.every((l, k) => l === nb[k]);
  return { raw: { a: rawA, b: rawB }, a: na, b: nb, same, diff: same ? '' : diffLines(na, nb) };
}
