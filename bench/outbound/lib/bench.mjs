// The outbound benchmark: the same messages submitted to Postfix and to jdmail, both relaying to
// one smtp-sink, counted at the sink; then the queue's claim time at two queue lengths.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { systemCpuMs, treeCpuMs } from '../../smtp-ingest/lib/proc-tree.mjs';
import { liveChildren, sleep } from '../../smtp-ingest/lib/util.mjs';
import { measureClaim } from './claim.mjs';
import { createRelayingJdmail, createRelayingPostfix, SENDER } from './servers.mjs';
import { startCountingSink } from './sink.mjs';
import { submit } from './submit.mjs';

/** Waits until the tree's CPU stops moving (≤ 5 ms in 250 ms, twice), so late delivery work is counted. */
async function waitCpuQuiet(roots, maxMs = 10_000) {
  const deadline = Date.now() + maxMs;
  let prev = treeCpuMs(roots);
  for (let quiet = 0; quiet < 2 && Date.now() < deadline; ) {
    await sleep(250);
    const cur = treeCpuMs(roots);
    quiet = cur - prev <= 5 ? quiet + 1 : 0;
    prev = cur;
  }
}

/** One round on one server: submit, wait for the sink to count every accepted message. */
async function measure(server, sink, cfg) {
  const roots = server.roots();
  const cpu0 = treeCpuMs(roots);
  const sys0 = systemCpuMs();
  const base = sink.count();
  const src = await submit({
    port: server.submitPort,
    messages: cfg.messages,
    sessions: cfg.sessions,
    size: cfg.size,
    from: SENDER,
    to: (i) => `rcpt${i % 100}@remote.test`,
    auth: server.auth,
    timeoutMs: cfg.timeoutMs,
  });
  const arrived =
    (await sink.waitFor(base + src.accepted, {
      deadline: src.startMs + cfg.timeoutMs,
      stallMs: cfg.stallMs,
    })) - base;
  await waitCpuQuiet(roots);
  const cpuMs = treeCpuMs(roots) - cpu0;
  const sys1 = systemCpuMs();
  const acceptSec = (src.endMs - src.startMs) / 1000;
  const deliverSec = (Math.max(sink.lastAt(), src.endMs) - src.startMs) / 1000;
  const errors = [...src.errors];
  if (src.accepted < cfg.messages)
    errors.unshift(`only ${src.accepted} of ${cfg.messages} submitted were accepted`);
  if (arrived < src.accepted) errors.push(`only ${arrived} of ${src.accepted} accepted arrived at the sink`);
  if (arrived > src.accepted)
    errors.push(`${arrived - src.accepted} more arrived than were accepted (sent twice)`);
  return {
    server: server.name,
    ok: errors.length === 0,
    errors,
    messages: cfg.messages,
    accepted: src.accepted,
    delivered: arrived,
    acceptSec,
    deliverSec,
    acceptedPerSec: src.accepted / acceptSec,
    deliveredPerSec: arrived / deliverSec,
    cpuMs,
    cpuMsPerMsg: cpuMs / Math.max(1, arrived),
    otherCpuMsPerMsg: (sys1.busyMs - sys0.busyMs - cpuMs) / Math.max(1, arrived),
  };
}

/**
 * @param {{ servers: ('postfix'|'jdmail')[], messages: number, sessions: number, size: number,
 *   rounds: number, warmup: number, connections: number, timeoutMs: number, stallMs?: number,
 *   jdmailCli: string, serverDist: string, claimRows: number[], claims: number, claimBatch: number,
 *   postfixLog?: boolean, keep?: boolean, log: (line: string) => void }} cfg
 */
export async function runBenchmark(cfg) {
  const tmp = mkdtempSync(join(os.tmpdir(), 'jdmail-outbound-'));
  chmodSync(tmp, 0o755); // Postfix's daemons (user postfix) traverse it
  const servers = [];
  let sink = null;
  const rounds = [];
  try {
    sink = await startCountingSink();
    cfg.log(`smtp-sink on 127.0.0.1:${sink.port}; temp dir ${tmp}`);
    const make = {
      postfix: (dir) =>
        createRelayingPostfix({
          dir,
          sinkPort: sink.port,
          connections: cfg.connections,
          log: cfg.postfixLog,
        }),
      jdmail: (dir) =>
        createRelayingJdmail({
          dir,
          cliPath: cfg.jdmailCli,
          sinkPort: sink.port,
          connections: cfg.connections,
        }),
    };
    for (const name of cfg.servers) {
      const dir = join(tmp, name);
      mkdirSync(dir, { recursive: true });
      const server = await make[name](dir);
      servers.push(server);
      await server.start();
      cfg.log(`${server.label} takes submissions on 127.0.0.1:${server.submitPort}`);
    }
    for (const server of servers) {
      if (cfg.warmup <= 0) continue;
      const r = await measure(server, sink, { ...cfg, messages: cfg.warmup });
      if (!r.ok) throw new Error(`warm-up of ${server.name} failed: ${r.errors.join('; ')}${tail(server)}`);
    }
    for (let round = 0; round < cfg.rounds; round++) {
      // Interleaved, the order rotating: neither server always runs on a warmer (or busier) machine.
      for (const server of servers.map((_, i) => servers[(i + round) % servers.length])) {
        const r = await measure(server, sink, cfg);
        rounds.push({ round, ...r });
        cfg.log(
          `round ${round + 1}/${cfg.rounds} ${server.name}: delivered ${r.deliveredPerSec.toFixed(0)}/s ` +
            `(accepted ${r.acceptedPerSec.toFixed(0)}/s), ${r.cpuMsPerMsg.toFixed(3)} CPU ms/msg` +
            `${r.ok ? '' : ` FAILED: ${r.errors.join('; ')}${tail(server)}`}`,
        );
      }
    }
  } finally {
    for (const s of servers) await s.stop().catch((e) => cfg.log(`stopping ${s.name}: ${e.message}`));
    await sink?.stop();
    for (const child of liveChildren) child.kill('SIGKILL');
    if (cfg.keep) cfg.log(`kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
  const claim = [];
  for (const rows of cfg.claimRows) {
    const c = await measureClaim({
      serverDist: cfg.serverDist,
      rows,
      claims: cfg.claims,
      batch: cfg.claimBatch,
    });
    claim.push(c);
    cfg.log(
      `claim of ${c.batch} at ${rows.toLocaleString('en')} queued: median ${c.medianMs.toFixed(3)} ms, p95 ${c.p95Ms.toFixed(3)} ms`,
    );
  }
  return { rounds, claim };
}

/** The end of a server's log, for a failure's message. */
function tail(server) {
  if (!server.logFile || !existsSync(server.logFile)) return '';
  const lines = readFileSync(server.logFile, 'utf8').trimEnd().split('\n').slice(-10).join('\n');
  return lines ? `\n${lines}` : '';
}
