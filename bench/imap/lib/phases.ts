// The measured phases of the IMAP benchmark, one round of one phase on one server each.

import { runStress } from '../../../test/harness/imaptest-stress.js';
import { listTree, startMemSampler, systemCpuMs, treeCpuMs } from '../../smtp-ingest/lib/proc-tree.mjs';
import type { BenchConfig } from './config.js';
import { holdIdleSessions } from './idle-hold.js';
import { measureIdleLatency } from './idle-latency.js';
import { holdIdleCount } from './idle-workers.js';
import { pop3Download } from './pop3.js';
import type { Phase, Round, StressCase } from './report.js';
import { type BenchServer, benchUsers } from './servers.js';

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

export async function stressRound(s: BenchServer, c: BenchConfig, mbox: string, kase: StressCase) {
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

export async function pop3Round(s: BenchServer, c: BenchConfig) {
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

export async function idleRound(s: BenchServer, c: BenchConfig) {
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

export async function latencyRound(s: BenchServer, c: BenchConfig, messages: Buffer[]) {
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

/** The files and messages every phase shares. */
export interface PhaseInput {
  /** The mbox imaptest APPENDs from. */
  stressMbox: string;
  /** The loaded messages (the latency phase delivers them again). */
  messages: Buffer[];
}

/** One round of `phase` on `s`: its measurements, or the error that ended it as a failed round. */
export async function runPhase(
  phase: Phase,
  kase: StressCase | undefined,
  s: BenchServer,
  c: BenchConfig,
  input: PhaseInput,
): Promise<Partial<Round> & { ok: boolean; errors: string[] }> {
  try {
    if (phase === 'stress') return await stressRound(s, c, input.stressMbox, kase ?? 'default');
    if (phase === 'pop3') return await pop3Round(s, c);
    if (phase === 'idle') return await idleRound(s, c);
    return await latencyRound(s, c, input.messages);
  } catch (err) {
    c.log(`${s.name} ${phase}: ${(err as Error).message}\n${await s.logTail()}`);
    return { ok: false, errors: [(err as Error).message] };
  }
}
