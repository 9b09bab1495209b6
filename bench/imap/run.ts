// IMAP/POP3 benchmark: jdmail and Dovecot side by side in one run (imaptest stress, IDLE sessions
// held, new-mail latency to IDLE, POP3 download). See bench/README.md ("imap").
// Usage: pnpm --filter @jdmail/server exec tsx ../../bench/imap/run.ts [--servers dovecot,jdmail] …
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type BenchConfig, runBenchmark } from './lib/bench.js';
import { fdLimit, raiseOwnFdLimit } from './lib/limits.js';
import { machineInfo, markdown, PHASES, type Phase, STRESS_CASES, type StressCase } from './lib/report.js';
import type { ServerName } from './lib/servers.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const OPTIONS = {
  servers: { type: 'string', default: 'dovecot,jdmail', help: 'servers to run, from dovecot,jdmail' },
  phases: { type: 'string', default: PHASES.join(','), help: `phases, from ${PHASES.join(',')}` },
  'stress-cases': {
    type: 'string',
    default: STRESS_CASES.join(','),
    help: 'imaptest cases: default,no-logout',
  },
  rounds: { type: 'string', default: '3', help: 'interleaved rounds; medians are over these' },
  users: { type: 'string', default: '4', help: 'users, each loaded with --messages messages' },
  messages: { type: 'string', default: '2000', help: 'messages per user (make-mbox.py)' },
  'min-kb': { type: 'string', default: '5', help: 'smallest message, KB' },
  'max-kb': { type: 'string', default: '20', help: 'largest message, KB' },
  seed: { type: 'string', default: '1', help: 'make-mbox.py and imaptest seed' },
  clients: { type: 'string', default: '50', help: 'imaptest stress sessions' },
  secs: { type: 'string', default: '30', help: 'imaptest stress seconds per run' },
  'idle-sessions': { type: 'string', default: '20000', help: 'IDLE sessions to hold (memory phase)' },
  'idle-deadline': { type: 'string', default: '120', help: 'seconds the IDLE sessions may take to come up' },
  'latency-sessions': { type: 'string', default: '1000', help: 'IDLE sessions during the latency phase' },
  deliveries: { type: 'string', default: '200', help: 'messages delivered (APPEND) per latency round' },
  'sessions-per-process': {
    type: 'string',
    default: '',
    help: 'most IDLE sessions one client process holds (default: its open-file limit − 1,000, at most 15,000)',
  },
  'dovecot-password-scheme': {
    type: 'string',
    default: 'SHA512-CRYPT',
    help: 'how Dovecot stores the passwords it checks at LOGIN (doveadm pw -s)',
  },
  'dovecot-process-limit': {
    type: 'string',
    default: '',
    help: "Dovecot's imap/pop3 process_limit (default: its own, 1024)",
  },
  'jdmail-scrypt-ln': {
    type: 'string',
    default: '',
    help: "scrypt cost (log2 N) of jdmail's bench users' password hashes (default: jdmail's own, 15)",
  },
  'jdmail-cli': {
    type: 'string',
    default: join(REPO, 'packages/server/dist/cli/main.js'),
    help: 'jdmail CLI',
  },
  'jdmail-env': {
    type: 'string',
    multiple: true,
    default: [] as string[],
    help: 'KEY=VALUE for jdmail (repeat)',
  },
  out: { type: 'string', default: join(REPO, 'bench', 'results'), help: 'where the JSON and markdown go' },
  help: { type: 'boolean', default: false, help: 'this text' },
} as const;

const log = (line: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

/** Flags win; otherwise IMAP_BENCH_<NAME> from the environment (e.g. IMAP_BENCH_SERVERS=dovecot). */
function config(): BenchConfig & { out: string } {
  const { values } = parseArgs({ options: OPTIONS, strict: true });
  if (values.help) {
    const rows = Object.entries(OPTIONS).map(([k, o]) => `  --${k.padEnd(24)} ${o.help} [${o.default}]`);
    console.log(`bench/imap/run.ts [options]\n${rows.join('\n')}`);
    process.exit(0);
  }
  const given = (k: string) => process.argv.some((a) => a === `--${k}` || a.startsWith(`--${k}=`));
  const pick = (k: keyof typeof OPTIONS): string =>
    given(k)
      ? String(values[k])
      : (process.env[`IMAP_BENCH_${k.toUpperCase().replaceAll('-', '_')}`] ?? String(values[k]));
  const num = (k: keyof typeof OPTIONS) => {
    const n = Number(pick(k));
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${k} must be a positive number`);
    return n;
  };
  const list = <T extends string>(k: keyof typeof OPTIONS, allowed: readonly T[]): T[] =>
    pick(k)
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)
      .map((x) => {
        if (!allowed.includes(x as T))
          throw new Error(`--${k}: unknown "${x}" (one of ${allowed.join(',')})`);
        return x as T;
      });
  const env = Object.fromEntries(
    (values['jdmail-env'] as string[]).map((kv) => [
      kv.slice(0, kv.indexOf('=')),
      kv.slice(kv.indexOf('=') + 1),
    ]),
  );
  raiseOwnFdLimit(num('idle-sessions') + 1000); // as root with CAP_SYS_RESOURCE; else the limit stays
  return {
    servers: list<ServerName>('servers', ['dovecot', 'jdmail']),
    phases: list<Phase>('phases', PHASES),
    stressCases: list<StressCase>('stress-cases', STRESS_CASES),
    rounds: num('rounds'),
    users: num('users'),
    messages: num('messages'),
    minKb: num('min-kb'),
    maxKb: num('max-kb'),
    seed: num('seed'),
    clients: num('clients'),
    secs: num('secs'),
    idleSessions: num('idle-sessions'),
    idleDeadlineSec: num('idle-deadline'),
    latencySessions: num('latency-sessions'),
    sessionsPerProcess: pick('sessions-per-process')
      ? num('sessions-per-process')
      : Math.max(1000, Math.min(15_000, fdLimit() - 1000)),
    deliveries: num('deliveries'),
    dovecotPasswordScheme: pick('dovecot-password-scheme'),
    dovecotProcessLimit: pick('dovecot-process-limit') ? num('dovecot-process-limit') : undefined,
    jdmailCli: resolve(pick('jdmail-cli')),
    jdmailEnv: env,
    jdmailScryptLn: pick('jdmail-scrypt-ln') ? num('jdmail-scrypt-ln') : undefined,
    out: resolve(pick('out')),
    log,
  };
}

async function main(): Promise<void> {
  const c = config();
  const machine = machineInfo();
  if (machine.loadavg[0] !== undefined && machine.loadavg[0] > 0.5)
    log(`warning: load average ${machine.loadavg.join(' ')}: the machine is not idle`);
  log(`config ${JSON.stringify({ ...c, log: undefined })}`);
  const run = await runBenchmark(c);
  const table = markdown({ ...run, machine, config: c });
  console.log(table);
  mkdirSync(c.out, { recursive: true });
  const stem = join(c.out, `imap-${run.startedAt.replace(/[:.]/g, '-')}`);
  writeFileSync(`${stem}.json`, JSON.stringify({ ...run, machine }, null, 1));
  writeFileSync(`${stem}.md`, `${table}\n`);
  log(`wrote ${stem}.json and .md`);
  // Dovecot not holding every IDLE session asked for is a measurement, not a failure of the run.
  const failed = run.rounds.filter((r) => !r.ok && !(r.server === 'dovecot' && r.phase === 'idle'));
  if (failed.length > 0) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
