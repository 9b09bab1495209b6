// The IMAP/POP3 benchmark's run: servers up, the same messages loaded into both, then the
// measured phases interleaved server by server, round by round. See bench/README.md ("imap").
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { makeMbox, splitMbox } from '../../../test/harness/imaptest.js';
import { runStress } from '../../../test/harness/imaptest-stress.js';
import { listTree, startMemSampler, systemCpuMs, treeCpuMs } from '../../smtp-ingest/lib/proc-tree.mjs';
import { holdIdleSessions } from './idle-hold.js';
import { measureIdleLatency } from './idle-latency.js';
import { holdIdleCount } from './idle-workers.js';
import { raiseInotifyInstances } from './inotify.js';
import { fdLimit, raiseOwnFdLimit } from './limits.js';
import { loadInbox } from './load.js';
import { pop3Download } from './pop3.js';
import { type Phase, percentile, type Round, type StressCase } from './report.js';
import {
  type BenchServer,
  benchUsers,
  type ServerName,
  startDovecotBench,
  startJdmailBench,
} from './servers.js';

export interface BenchConfig {
  servers: ServerName[];
  phases: Phase[];
  stressCases: StressCase[];
  rounds: number;
  /** Users, each loaded with `messages` messages of `minKb`–`maxKb` (make-mbox.py, `seed`). */
  users: number;
  messages: number;
  minKb: number;
  maxKb: number;
  seed: number;
  /** imaptest stress: sessions and seconds per run. */
  clients: number;
  secs: number;
  /** IDLE sessions to hold for the memory phase, and how long they may take to come up. */
  idleSessions: number;
  idleDeadlineSec: number;
  /** Most IDLE sessions one client process holds (more go to child processes). */
  sessionsPerProcess: number;
  /** IDLE sessions for the latency phase, and the deliveries timed. */
  latencySessions: number;
  deliveries: number;
  jdmailCli: string;
  jdmailEnv: Record<string, string>;
  dovecotProcessLimit?: number;
  dovecotPasswordScheme: string;
  log: (line: string) => void;
}

export interface BenchRun {
  startedAt: string;
  config: Omit<BenchConfig, 'log'>;
  servers: Record<string, { label: string; load: { messages: number; bytes: number; ms: number } }>;
  rounds: Round[];
}

const rotate = <T>(list: T[], k: number): T[] => list.map((_, i) => list[(i + k) % list.length] as T);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Current summed PSS and RSS of the server's tree, in KB. */
function memoryNow(server: BenchServer): { pssKb: number; rssKb: number; procs: number } {
  const m = startMemSampler(() => server.roots(), 60_000).stop();
  return { pssKb: m.peakPssKb, rssKb: m.peakRssKb, procs: m.maxProcs };
}

/** Waits until the tree's CPU stops moving (≤ 5 ms in 250 ms, twice), as smtp-ingest does. */
async function cpuQuiet(server: BenchServer, maxMs = 10_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let prev = treeCpuMs(server.roots());
  for (let quiet = 0; quiet < 2 && Date.now() < deadline; ) {
    await sleep(250);
    const cur = treeCpuMs(server.roots());
    quiet = cur - prev <= 5 ? quiet + 1 : 0;
    prev = cur;
  }
}

async function stressRound(s: BenchServer, c: BenchConfig, mbox: string, kase: StressCase) {
  const roots = s.roots();
  const cpu0 = treeCpuMs(roots);
  const sys0 = systemCpuMs().busyMs;
  const mem = startMemSampler(() => s.roots());
  const user = benchUsers(c.users)[0] as { name: string; password: string };
  const r = await runStress({
    port: s.imapPort,
    user: user.name,
    password: user.password,
    mbox,
    clients: c.clients,
    secs: c.secs,
    seed: c.seed,
    msgs: c.messages,
    extra: kase === 'no-logout' ? ['logout=0'] : [],
  });
  await cpuQuiet(s);
  const cpuMs = treeCpuMs(s.roots()) - cpu0;
  const other = systemCpuMs().busyMs - sys0 - cpuMs;
  const m = mem.stop();
  const errors = r.errors.slice(0, 5);
  if (r.commands === 0) errors.push('imaptest ran no command');
  return {
    ok: r.errors.length === 0 && r.commands > 0,
    errors,
    commands: r.commands,
    commandsPerSec: r.commandsPerSec,
    imaptestErrors: r.errors.length,
    cpuMsPerCmd: cpuMs / Math.max(1, r.commands),
    otherCpuMsPerCmd: other / Math.max(1, r.commands),
    peakPssMb: m.peakPssKb / 1024,
    peakRssMb: m.peakRssKb / 1024,
    loginMs: r.msPerCmd.Logi ?? Number.NaN,
    totals: r.totals,
  };
}

async function pop3Round(s: BenchServer, c: BenchConfig) {
  const user = benchUsers(c.users)[Math.min(1, c.users - 1)] as { name: string; password: string };
  const cpu0 = treeCpuMs(s.roots());
  const r = await pop3Download(s.pop3Port, user);
  await cpuQuiet(s);
  const mb = r.bytes / 1e6;
  const errors: string[] = [];
  if (r.bytes !== r.statBytes) errors.push(`STAT said ${r.statBytes} octets, RETR gave ${r.bytes}`);
  if (r.messages < c.messages) errors.push(`${r.messages} messages in the maildrop, ${c.messages} loaded`);
  return {
    ok: errors.length === 0,
    errors,
    messages: r.messages,
    mb,
    mbPerSec: mb / (r.ms / 1000),
    cpuMsPerMb: (treeCpuMs(s.roots()) - cpu0) / mb,
  };
}

async function idleRound(s: BenchServer, c: BenchConfig) {
  await cpuQuiet(s);
  const before = memoryNow(s);
  const holder = await holdIdleCount(
    {
      port: s.imapPort,
      users: benchUsers(c.users),
      count: c.idleSessions,
      deadlineMs: c.idleDeadlineSec * 1000,
    },
    c.sessionsPerProcess,
  );
  try {
    await sleep(2000);
    await cpuQuiet(s);
    const held = memoryNow(s);
    const n = Math.max(1, holder.held);
    // Why sessions failed, in the server's words (Dovecot logs its process limits).
    const why =
      holder.failed > 0 ? (await s.logTail()).split('\n').filter((l) => /warning|error|fatal/i.test(l)) : [];
    return {
      ok: holder.failed === 0,
      errors: [...holder.errors, ...why.slice(-3)],
      asked: holder.asked,
      held: holder.held,
      failed: holder.failed,
      setupSec: holder.setupMs / 1000,
      baselinePssMb: before.pssKb / 1024,
      heldPssMb: held.pssKb / 1024,
      kbPerSessionPss: (held.pssKb - before.pssKb) / n,
      kbPerSessionRss: (held.rssKb - before.rssKb) / n,
      procs: held.procs,
    };
  } finally {
    await holder.close();
    // A process-per-session server takes a while to end a thousand processes: wait for it, so that
    // the next phase does not meet its process limit.
    for (let i = 0; i < 60 && listTree(s.roots()).length > before.procs + 5; i++) await sleep(500);
  }
}

async function latencyRound(s: BenchServer, c: BenchConfig, messages: Buffer[]) {
  const holder = await holdIdleSessions({
    port: s.imapPort,
    users: benchUsers(c.users),
    count: c.latencySessions,
    deadlineMs: c.idleDeadlineSec * 1000,
  });
  try {
    const r = await measureIdleLatency({
      port: s.imapPort,
      holder,
      users: benchUsers(c.users),
      messages,
      deliveries: c.deliveries,
    });
    const errors = [...holder.errors];
    if (r.missed > 0) errors.push(`${r.missed} sessions never saw their new message (5 s)`);
    return { ok: holder.failed === 0 && r.missed === 0, errors, held: holder.sessions.length, ...r };
  } finally {
    await holder.close();
  }
}

/** Runs the benchmark as configured and returns every round's measurements. */
export async function runBenchmark(c: BenchConfig): Promise<BenchRun> {
  const startedAt = new Date().toISOString();
  raiseOwnFdLimit(c.idleSessions + 1000);
  if (fdLimit() < c.idleSessions + 1000)
    c.log(
      `note: open-file limit ${fdLimit()}: a server process can hold at most that many sessions ` +
        '(root with CAP_SYS_RESOURCE raises it; IDLE clients are spread over several processes)',
    );
  const tmp = await mkdtemp(join(os.tmpdir(), 'jdmail-imap-bench-'));
  const servers: BenchServer[] = [];
  const restoreInotify = c.servers.includes('dovecot')
    ? raiseInotifyInstances(Math.max(c.idleSessions, c.latencySessions) + 512, c.log)
    : () => {};
  let cleaning: Promise<void> | undefined;
  const cleanup = () => {
    cleaning ??= (async () => {
      for (const s of servers)
        await s.stop().catch((e) => c.log(`stopping ${s.name}: ${(e as Error).message}`));
      await rm(tmp, { recursive: true, force: true });
      restoreInotify();
    })();
    return cleaning;
  };
  const onSignal = (sig: NodeJS.Signals) => {
    c.log(`${sig}: stopping the servers`);
    void cleanup().finally(() => process.exit(130));
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(sig, onSignal);
  const out: BenchRun = {
    startedAt,
    config: { ...c, log: undefined } as BenchRun['config'],
    servers: {},
    rounds: [],
  };
  try {
    // What is loaded, and what imaptest APPENDs during the stress runs: the same kind of mail but
    // other Message-IDs, as imaptest takes two messages with one Message-ID for one message.
    const loaded = join(tmp, 'loaded.mbox');
    const mbox = join(tmp, 'stress.mbox');
    const mail = { count: c.messages, minKb: c.minKb, maxKb: c.maxKb, domain: 'bench.test' };
    await makeMbox(loaded, { ...mail, seed: c.seed });
    await makeMbox(mbox, { ...mail, seed: c.seed + 1_000_000 });
    const messages = splitMbox(await readFile(loaded));
    const users = benchUsers(c.users);
    for (const name of c.servers) {
      const dir = join(tmp, name);
      await mkdir(dir, { recursive: true });
      c.log(`starting ${name}`);
      const s =
        name === 'dovecot'
          ? await startDovecotBench({
              dir,
              users,
              processLimit: c.dovecotProcessLimit,
              passwordScheme: c.dovecotPasswordScheme,
            })
          : await startJdmailBench({ dir, cli: c.jdmailCli, users, env: c.jdmailEnv });
      servers.push(s);
      // All users at once, one session each (a server may fsync each APPEND: the sessions overlap).
      const t0 = performance.now();
      const loads = await Promise.all(users.map((u) => loadInbox(s.imapPort, u, messages)));
      const load = {
        messages: loads.reduce((n, r) => n + r.messages, 0),
        bytes: loads.reduce((n, r) => n + r.bytes, 0),
        ms: performance.now() - t0,
      };
      c.log(
        `${s.label}: loaded ${load.messages} messages (${(load.bytes / 1e6).toFixed(1)} MB) in ${(load.ms / 1000).toFixed(1)} s`,
      );
      out.servers[name] = { label: s.label, load };
    }
    for (let round = 0; round < c.rounds; round++) {
      for (const phase of c.phases) {
        const cases: (StressCase | undefined)[] = phase === 'stress' ? c.stressCases : [undefined];
        for (const kase of cases) {
          for (const s of rotate(servers, round)) {
            const started = performance.now();
            let data: Record<string, unknown>;
            try {
              data =
                phase === 'stress'
                  ? await stressRound(s, c, mbox, kase as StressCase)
                  : phase === 'pop3'
                    ? await pop3Round(s, c)
                    : phase === 'idle'
                      ? await idleRound(s, c)
                      : await latencyRound(s, c, messages);
            } catch (err) {
              data = { ok: false, errors: [(err as Error).message] };
              c.log(`${s.name} ${phase}: ${(err as Error).message}\n${await s.logTail()}`);
            }
            const r = {
              phase,
              case: kase,
              server: s.name,
              round,
              sec: (performance.now() - started) / 1000,
              ...data,
            };
            out.rounds.push(r as Round);
            c.log(
              `round ${round + 1}/${c.rounds} ${phase}${kase ? ` ${kase}` : ''} ${s.name}: ${brief(r as Round)}`,
            );
          }
        }
      }
    }
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
