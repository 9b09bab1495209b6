import { spawn } from 'node:child_process';
import { buildImaptest, type ImapLogin } from './imaptest.js';

/**
 * imaptest's stress mode: `clients` sessions looping through its states
 * (LOGIN, LIST, STATUS, SELECT, FETCH, FETCH2, STORE, DELETE, EXPUNGE, APPEND,
 * LOGOUT …) with its default probabilities, every reply checked against the
 * mailbox state it tracks. Any `Error:` line is a server bug.
 */
export interface StressOptions extends ImapLogin {
  /** mbox the APPENDs come from (make one with `makeMbox`). */
  mbox: string;
  clients?: number;
  secs?: number;
  /** Repeatable command choice. */
  seed?: number;
  /** The mailbox size imaptest keeps (its default 30); pass the number of messages loaded. */
  msgs?: number;
  /** More imaptest arguments, e.g. `logout=0`, `box=Work`, `no_pipelining`. */
  extra?: string[];
}

export interface StressResult {
  /** imaptest's state names in its column order (`Logi`, `List`, … `Logo`). */
  states: string[];
  /** Commands per state over the run (the `Totals:` row). */
  totals: Record<string, number>;
  /** Sum of the totals row. */
  commands: number;
  /** The `secs=` asked for; commands/s = commands ÷ secs, as imaptest's README counts. */
  secs: number;
  commandsPerSec: number;
  /** Wall time of the whole imaptest run (it lets clients finish after `secs`). */
  wallMs: number;
  /** Average milliseconds per command per state (imaptest's last `ms/cmd avg` line). */
  msPerCmd: Record<string, number>;
  /** Lines imaptest reported as errors (inconsistent or failed replies). */
  errors: string[];
  exitCode: number | null;
  /** Everything imaptest printed. */
  output: string;
}

/** Parses imaptest's stress output (924f619): the `Totals:` block, `ms/cmd avg` and `Error:` lines. */
export function parseStressOutput(output: string, secs: number): Omit<StressResult, 'wallMs' | 'exitCode'> {
  const lines = output.split('\n');
  const at = lines.findIndex((l) => l.trim() === 'Totals:');
  if (at < 0) throw new Error(`imaptest printed no Totals:\n${output.slice(-1500)}`);
  const states = (lines[at + 1] ?? '').trim().split(/\s+/);
  const row = lines.slice(at + 2).find((l) => /^\s*\d+(\s+\d+)*\s*$/.test(l));
  if (!row) throw new Error(`no totals row after Totals:\n${output.slice(at)}`);
  const counts = row.trim().split(/\s+/).map(Number);
  if (counts.length !== states.length) throw new Error(`totals row does not match the states: ${row}`);
  const totals = Object.fromEntries(states.map((s, i) => [s, counts[i] ?? 0]));
  const avg = lines.filter((l) => l.includes('ms/cmd avg')).pop();
  const ms = avg ? avg.replace('ms/cmd avg', '').trim().split(/\s+/).map(Number) : [];
  const msPerCmd = Object.fromEntries(states.map((s, i) => [s, ms[i] ?? Number.NaN]));
  const commands = counts.reduce((a, b) => a + b, 0);
  const errors = lines.filter((l) => /^(Error|Panic|Fatal):/.test(l.trim()));
  return { states, totals, commands, secs, commandsPerSec: commands / secs, msPerCmd, errors, output };
}

/** Runs imaptest in stress mode and parses its report. */
export async function runStress(o: StressOptions): Promise<StressResult> {
  const binary = await buildImaptest();
  const secs = o.secs ?? 30;
  const args = [
    `host=${o.host ?? '127.0.0.1'}`,
    `port=${o.port}`,
    `user=${o.user}`,
    `pass=${o.password}`,
    `mbox=${o.mbox}`,
    `clients=${o.clients ?? 50}`,
    `secs=${secs}`,
    ...(o.seed !== undefined ? [`seed=${o.seed}`] : []),
    ...(o.msgs !== undefined ? [`msgs=${o.msgs}`] : []),
    ...(o.ssl ? ['ssl=any-cert'] : []),
    ...(o.extra ?? []),
  ];
  const started = performance.now();
  const { output, code } = await new Promise<{ output: string; code: number | null }>((res, rej) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.stderr.on('data', (c) => {
      out += c;
    });
    // imaptest stops at secs, then gives clients up to 30 s to finish.
    const kill = setTimeout(() => child.kill('SIGKILL'), (secs + 90) * 1000);
    child.on('error', rej);
    child.on('close', (c) => {
      clearTimeout(kill);
      res({ output: out, code: c });
    });
  });
  return { ...parseStressOutput(output, secs), wallMs: performance.now() - started, exitCode: code };
}
