// The IMAP/POP3 benchmark's run: servers up, the same messages loaded into both, then the
// measured phases interleaved server by server, round by round. See bench/README.md ("imap").
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { makeMbox, splitMbox } from '../../../test/harness/imaptest.js';
import type { BenchConfig, BenchRun } from './config.js';
import { raiseInotifyInstances } from './inotify.js';
import { fdLimit, raiseOwnFdLimit } from './limits.js';
import { loadInbox } from './load.js';
import { type PhaseInput, runPhase } from './phases.js';
import { percentile, type Round, type StressCase } from './report.js';
import {
  type BenchServer,
  type BenchUser,
  benchUsers,
  type ServerName,
  startDovecotBench,
  startJdmailBench,
} from './servers.js';

export type { BenchConfig, BenchRun } from './config.js';

const rotate = <T>(list: T[], k: number): T[] => list.map((_, i) => list[(i + k) % list.length] as T);

/** The loaded messages and imaptest's mbox: the same kind of mail, other Message-IDs. */
async function prepareMail(tmp: string, c: BenchConfig): Promise<PhaseInput> {
  // imaptest takes two messages with one Message-ID for one message (and reports their sizes as
  // changed), so what it APPENDs must not repeat what was loaded.
  const loaded = join(tmp, 'loaded.mbox');
  const stressMbox = join(tmp, 'stress.mbox');
  const mail = { count: c.messages, minKb: c.minKb, maxKb: c.maxKb, domain: 'bench.test' };
  await makeMbox(loaded, { ...mail, seed: c.seed });
  await makeMbox(stressMbox, { ...mail, seed: c.seed + 1_000_000 });
  return { stressMbox, messages: splitMbox(await readFile(loaded)) };
}

function startOne(name: ServerName, dir: string, c: BenchConfig, users: BenchUser[]): Promise<BenchServer> {
  return name === 'dovecot'
    ? startDovecotBench({
        dir,
        users,
        processLimit: c.dovecotProcessLimit,
        passwordScheme: c.dovecotPasswordScheme,
      })
    : startJdmailBench({ dir, cli: c.jdmailCli, users, env: c.jdmailEnv, scryptLn: c.jdmailScryptLn });
}

/** Loads every user at once, one session each (a server may fsync each APPEND: they overlap). */
async function loadAll(s: BenchServer, users: BenchUser[], messages: Buffer[]) {
  const t0 = performance.now();
  const loads = await Promise.all(users.map((u) => loadInbox(s.imapPort, u, messages)));
  return {
    messages: loads.reduce((n, r) => n + r.messages, 0),
    bytes: loads.reduce((n, r) => n + r.bytes, 0),
    ms: performance.now() - t0,
  };
}

/** Every round: each phase (each stress case), each server, the servers' order rotated per round. */
async function runRounds(
  servers: BenchServer[],
  c: BenchConfig,
  input: PhaseInput,
  out: Round[],
): Promise<void> {
  for (let round = 0; round < c.rounds; round++)
    for (const phase of c.phases)
      for (const kase of phase === 'stress' ? c.stressCases : [undefined as StressCase | undefined])
        for (const s of rotate(servers, round)) {
          const started = performance.now();
          const data = await runPhase(phase, kase, s, c, input);
          const r = {
            phase,
            case: kase,
            server: s.name,
            round,
            sec: (performance.now() - started) / 1000,
            ...data,
          };
          out.push(r);
          c.log(`round ${round + 1}/${c.rounds} ${phase}${kase ? ` ${kase}` : ''} ${s.name}: ${brief(r)}`);
        }
}

/** Stops the servers, removes the temp dir and puts the sysctl back: once, on any way out. */
function cleanupOnce(servers: BenchServer[], tmp: string, restore: () => void, log: (l: string) => void) {
  let cleaning: Promise<void> | undefined;
  return () => {
    cleaning ??= (async () => {
      for (const s of servers)
        await s.stop().catch((e) => log(`stopping ${s.name}: ${(e as Error).message}`));
      await rm(tmp, { recursive: true, force: true });
      restore();
    })();
    return cleaning;
  };
}

/** Runs the benchmark as configured and returns every round's measurements. */
export async function runBenchmark(c: BenchConfig): Promise<BenchRun> {
  const out: BenchRun = {
    startedAt: new Date().toISOString(),
    config: { ...c, log: undefined },
    servers: {},
    rounds: [],
  };
  raiseOwnFdLimit(c.idleSessions + 1000);
  if (fdLimit() < c.idleSessions + 1000)
    c.log(
      `note: open-file limit ${fdLimit()}: a server process can hold at most that many sessions ` +
        '(root with CAP_SYS_RESOURCE raises it; IDLE clients are spread over several processes)',
    );
  const tmp = await mkdtemp(join(os.tmpdir(), 'jdmail-imap-bench-'));
  const servers: BenchServer[] = [];
  // One inotify instance per Dovecot imap process: the idling sessions, imaptest's, the appenders.
  const restore = c.servers.includes('dovecot')
    ? raiseInotifyInstances(Math.max(c.idleSessions, c.latencySessions) + c.clients + c.users + 16, c.log)
    : () => {};
  const cleanup = cleanupOnce(servers, tmp, restore, c.log);
  const onSignal = (sig: NodeJS.Signals) => {
    c.log(`${sig}: stopping the servers`);
    void cleanup().finally(() => process.exit(130));
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(sig, onSignal);
  try {
    const input = await prepareMail(tmp, c);
    const users = benchUsers(c.users);
    for (const name of c.servers) {
      const dir = join(tmp, name);
      await mkdir(dir, { recursive: true });
      c.log(`starting ${name}`);
      const s = await startOne(name, dir, c, users);
      servers.push(s);
      const load = await loadAll(s, users, input.messages);
      c.log(
        `${s.label}: loaded ${load.messages} messages (${(load.bytes / 1e6).toFixed(1)} MB) in ${(load.ms / 1000).toFixed(1)} s`,
      );
      out.servers[name] = { label: s.label, load };
    }
    await runRounds(servers, c, input, out.rounds);
  } finally {
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(sig, onSignal);
    await cleanup();
  }
  return out;
}

/** One line per measured round, for the progress log. */
function brief(r: Round): string {
  const f = (n: unknown, d = 1) => (typeof n === 'number' ? n.toFixed(d) : '?');
  const tail = r.ok ? '' : ` FAILED: ${(r.errors ?? []).join('; ')}`;
  switch (r.phase) {
    case 'stress':
      return `${f(r.commandsPerSec, 0)} cmd/s, ${r.imaptestErrors ?? '?'} errors, ${f(r.cpuMsPerCmd, 3)} CPU ms/cmd, PSS ${f(r.peakPssMb)} MB${tail}`;
    case 'pop3':
      return `${f(r.mbPerSec)} MB/s, ${f(r.cpuMsPerMb)} CPU ms/MB${tail}`;
    case 'idle':
      return `${r.held}/${r.asked} idling, ${f(r.kbPerSessionPss)} KB PSS per session, ${r.procs} processes${tail}`;
    case 'latency':
      return `${r.samples?.length ?? 0} wake-ups, p50 ${f(percentile(r.samples ?? [], 50))} ms, p99 ${f(percentile(r.samples ?? [], 99))} ms${tail}`;
  }
}
