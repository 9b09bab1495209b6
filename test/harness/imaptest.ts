import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Dovecot's imaptest (MIT; vendored in test/tools/imaptest, see its README):
 * built once per machine into `~/.cache/jdmail-imaptest` (or `$IMAPTEST_DIR`),
 * then run as the compliance suite (`test=` mode, one group at a time through
 * `compliance.py`) or as the stress load of the IMAP benchmark.
 */

/** test/tools/imaptest: the tarball, build.sh, compliance.py, make-mbox.py, dovecot-peer.sh. */
export const IMAPTEST_TOOLS = resolve(dirname(fileURLToPath(import.meta.url)), '../tools/imaptest');

let built: Promise<string> | undefined;

/**
 * The imaptest binary, built on first use (≈ 10 s; `build.sh` installs its
 * Debian build dependencies when missing, as root) and reused from the cache
 * afterwards, also across processes (build.sh locks and stamps the cache).
 */
export function buildImaptest(): Promise<string> {
  built ??= new Promise<string>((res, rej) => {
    execFile(
      'bash',
      [join(IMAPTEST_TOOLS, 'build.sh')],
      { timeout: 20 * 60_000, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const path = stdout.trim().split('\n').pop();
        if (err || !path)
          rej(new Error(`imaptest build failed: ${stderr.trim().slice(-1500) || err?.message}`));
        else res(path);
      },
    );
  });
  return built;
}

/** The compliance scripts build.sh copied beside the build (`<cache>/tests`). */
export function imaptestTestsDir(binary: string): string {
  return resolve(dirname(binary), '../../tests');
}

export interface ImapLogin {
  /** Default 127.0.0.1. */
  host?: string;
  port: number;
  user: string;
  password: string;
  /** The port speaks implicit TLS (the certificate is not checked). imaptest has no STARTTLS. */
  ssl?: boolean;
}

export interface ComplianceOptions extends ImapLogin {
  /** Run only these groups (file names in the tests directory, e.g. `fetch-body`). */
  only?: string[];
  /** Seconds one group may take (default 120). */
  groupTimeoutSec?: number;
  /** A directory of scripts in imaptest's format to run instead of the suite (default: the suite). */
  testsDir?: string;
}

export type GroupStatus = 'pass' | 'fail' | 'skip';

/** One compliance group (one file of imaptest's `src/tests`). */
export interface ComplianceGroup {
  status: GroupStatus;
  /** Commands run and commands that failed. */
  commands: number;
  failed: number;
  /** For a failure: imaptest's `*** Test …` blocks (expected and best-matching replies); for a skip: why. */
  detail: string[];
  /** Capabilities the group's header requires (none: base protocol). */
  requires: string[];
  kind: 'base' | 'ext';
}

export interface ComplianceReport {
  /** What the server advertised after LOGIN. */
  capabilities: string[];
  totals: {
    groups: number;
    passed: number;
    failed: number;
    skipped: number;
    base_failed: number;
    base_commands: number;
    ext_failed: number;
    ext_commands: number;
    skipped_groups: string[];
  };
  groups: Record<string, ComplianceGroup>;
  /** compliance.py's own report (one line per group, totals). */
  output: string;
}

/**
 * Runs imaptest's scripted compliance tests against an IMAP server, one group
 * at a time, and returns each group's pass/fail/skip. Each group deletes and
 * recreates the mailbox `imaptest` (and its children) of the user: give it a
 * user whose mail does not matter. Rejects only when the suite could not run
 * at all (no build, no LOGIN); failed groups are in the report.
 */
export async function runCompliance(o: ComplianceOptions): Promise<ComplianceReport> {
  const binary = await buildImaptest();
  const dir = await mkdtemp(join(tmpdir(), 'jdmail-imaptest-'));
  const out = join(dir, 'report.json');
  const args = [
    join(IMAPTEST_TOOLS, 'compliance.py'),
    '--host',
    o.host ?? '127.0.0.1',
    '--port',
    String(o.port),
    '--user',
    o.user,
    '--password',
    o.password,
    '--imaptest',
    binary,
    '--group-timeout',
    String(o.groupTimeoutSec ?? 120),
    '--json',
    out,
    ...(o.ssl ? ['--ssl'] : []),
    ...(o.testsDir ? ['--tests', o.testsDir] : []),
    ...(o.only?.length ? ['--only', ...o.only] : []),
  ];
  try {
    const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number }>(
      (res) => {
        // cwd: imaptest writes rawlog files there when asked; keep them out of the repository.
        execFile('python3', args, { cwd: dir, timeout: 30 * 60_000, maxBuffer: 64 << 20 }, (err, so, se) =>
          res({ stdout: so, stderr: se, code: err ? Number((err as { code?: number }).code ?? 1) : 0 }),
        );
      },
    );
    const json = await readFile(out, 'utf8').catch(() => null);
    if (json === null) throw new Error(`compliance.py exited ${code} without a report: ${stderr || stdout}`);
    return { ...(JSON.parse(json) as Omit<ComplianceReport, 'output'>), output: stdout };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Makes an mbox for imaptest's APPENDs and the benchmark's load (`make-mbox.py`, deterministic per seed). */
export async function makeMbox(
  path: string,
  o: { count: number; minKb?: number; maxKb?: number; seed?: number; domain?: string },
): Promise<void> {
  const args = [join(IMAPTEST_TOOLS, 'make-mbox.py'), '-o', path, '--count', String(o.count)];
  if (o.minKb !== undefined) args.push('--min-kb', String(o.minKb));
  if (o.maxKb !== undefined) args.push('--max-kb', String(o.maxKb));
  if (o.seed !== undefined) args.push('--seed', String(o.seed));
  if (o.domain !== undefined) args.push('--domain', o.domain);
  await new Promise<void>((res, rej) =>
    execFile('python3', args, { timeout: 10 * 60_000 }, (err, _so, se) =>
      err ? rej(new Error(`make-mbox.py failed: ${se || err.message}`)) : res(),
    ),
  );
}

/** Splits an mbox written by make-mbox.py into its messages (CRLF, the `From ` lines removed). */
export function splitMbox(mbox: Buffer): Buffer[] {
  const out: Buffer[] = [];
  const sep = Buffer.from('\r\n\r\nFrom ');
  let start = mbox.indexOf('\r\n') + 2; // after the first From line
  for (;;) {
    const next = mbox.indexOf(sep, start);
    if (next < 0) {
      // The last message ends with its CRLF plus the blank line that closes every mbox entry.
      const end =
        mbox.length >= 2 && mbox.subarray(-4).toString() === '\r\n\r\n' ? mbox.length - 2 : mbox.length;
      out.push(mbox.subarray(start, end));
      return out;
    }
    out.push(mbox.subarray(start, next + 2));
    start = mbox.indexOf('\r\n', next + 4) + 2;
  }
}
