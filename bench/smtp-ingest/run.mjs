#!/usr/bin/env node
// SMTP ingest benchmark: smtp-source against smtp-sink, a throwaway Postfix and jdmail, interleaved.
// See bench/README.md. Usage: node bench/smtp-ingest/run.mjs [--messages N] [--rounds R] [--only a,b] …
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isAlive, startMemSampler, systemCpuMs, treeCpuMs } from './lib/proc-tree.mjs';
import { MODES, machineInfo, markdown, summarize } from './lib/report.mjs';
import { createJdmail } from './lib/servers/jdmail.mjs';
import { createPostfix } from './lib/servers/postfix.mjs';
import { createSink } from './lib/servers/sink.mjs';
import { createBareSmtpServer } from './lib/servers/smtp-server-bare.mjs';
import { runSmtpSource } from './lib/smtp-source.mjs';
import { liveChildren, run, sleep } from './lib/util.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..', '..');
const SERVER_NAMES = ['sink', 'smtp-server', 'postfix', 'jdmail'];

const OPTIONS = {
  messages: { type: 'string', default: '20000', help: 'messages per round and case' },
  sessions: { type: 'string', default: '20', help: 'parallel SMTP sessions (smtp-source -s)' },
  rounds: { type: 'string', default: '3', help: 'interleaved rounds; medians are over these' },
  size: { type: 'string', default: '10240', help: 'payload bytes per message (smtp-source -l)' },
  only: {
    type: 'string',
    default: SERVER_NAMES.join(','),
    help: 'servers to run, from sink,smtp-server,postfix,jdmail',
  },
  modes: { type: 'string', default: Object.keys(MODES).join(','), help: 'cases: persistent,per-connection' },
  warmup: {
    type: 'string',
    default: '',
    help: 'warm-up messages per server and case (default min(10000, N))',
  },
  timeout: { type: 'string', default: '900', help: 'seconds allowed per round for sending plus delivery' },
  from: { type: 'string', default: 'loadgen@client.test', help: 'envelope sender' },
  to: { type: 'string', default: 'rcpt@bench.test', help: 'envelope recipient (bench.test is provisioned)' },
  out: { type: 'string', default: join(REPO, 'bench', 'results'), help: 'where the JSON and markdown go' },
  'jdmail-cli': {
    type: 'string',
    default: join(REPO, 'packages/server/dist/cli/main.js'),
    help: 'jdmail CLI',
  },
  'jdmail-node-arg': {
    type: 'string',
    multiple: true,
    default: [],
    help: 'extra node flag for `jdmail start`, as --jdmail-node-arg=--cpu-prof (written to the temp dir: use --keep)',
  },
  'postfix-log': {
    type: 'boolean',
    default: false,
    help: 'write the Postfix log to <tmp>/maillog (costs CPU)',
  },
  'postfix-set': {
    type: 'string',
    multiple: true,
    default: [],
    help: 'extra main.cf line, e.g. in_flow_delay=0',
  },
  keep: { type: 'boolean', default: false, help: 'keep the temp dir (servers are still stopped)' },
  help: { type: 'boolean', default: false, help: 'this text' },
};

/** Flags win; otherwise SMTP_BENCH_<NAME> from the environment (e.g. SMTP_BENCH_MESSAGES=2000). */
function options() {
  const { values } = parseArgs({ options: OPTIONS, strict: true });
  if (values.help) {
    const rows = Object.entries(OPTIONS).map(([k, o]) => `  --${k.padEnd(12)} ${o.help} [${o.default}]`);
    console.log(`node bench/smtp-ingest/run.mjs [options]\n${rows.join('\n')}`);
    process.exit(0);
  }
  const env = (k) => process.env[`SMTP_BENCH_${k.toUpperCase().replaceAll('-', '_')}`];
  const pick = (k) =>
    process.argv.some((a) => a === `--${k}` || a.startsWith(`--${k}=`)) ? values[k] : (env(k) ?? values[k]);
  const int = (k) => {
    const n = Number(pick(k));
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${k} must be a positive integer`);
    return n;
  };
  const list = (k, allowed) => {
    const v = String(pick(k))
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const x of v)
      if (!allowed.includes(x)) throw new Error(`--${k}: unknown "${x}" (one of ${allowed})`);
    return v;
  };
  const messages = int('messages');
  return {
    messages,
    sessions: int('sessions'),
    rounds: int('rounds'),
    size: int('size'),
    only: list('only', SERVER_NAMES),
    modes: list('modes', Object.keys(MODES)),
    warmup: pick('warmup') ? int('warmup') : Math.min(10_000, messages),
    timeoutMs: int('timeout') * 1000,
    from: String(pick('from')),
    to: String(pick('to')),
    out: resolve(String(pick('out'))),
    jdmailCli: resolve(String(pick('jdmail-cli'))),
    jdmailNodeArgs: /** @type {string[]} */ (values['jdmail-node-arg']),
    postfixLog: Boolean(values['postfix-log']),
    postfixSet: /** @type {string[]} */ (values['postfix-set']).map((kv) => kv.replace('=', ' = ')),
    keep: Boolean(values.keep),
  };
}

const log = (...a) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...a);

/** Waits until the tree's CPU stops moving (≤ 5 ms in 250 ms, twice), so background work is counted. */
async function waitCpuQuiet(roots, maxMs = 10_000) {
  const deadline = Date.now() + maxMs;
  let prev = treeCpuMs(roots);
  let quiet = 0;
  while (quiet < 2 && Date.now() < deadline) {
    await sleep(250);
    const cur = treeCpuMs(roots);
    quiet = cur - prev <= 5 ? quiet + 1 : 0;
    prev = cur;
  }
}

/** Quiesce the disk so one server's writeback does not land in the next server's round. */
async function settle() {
  await run('sync', [], { timeoutMs: 120_000 });
  await sleep(500);
}

/** One smtp-source run of `messages` against `server`, with its CPU, memory and delivery. */
async function measure(server, { cfg, mode, messages }) {
  await server.beforeRound();
  await settle();
  const roots = server.roots();
  const cpu0 = treeCpuMs(roots);
  const sys0 = systemCpuMs();
  const mem = startMemSampler(() => server.roots());
  const src = await runSmtpSource({
    port: server.port,
    messages,
    sessions: cfg.sessions,
    size: cfg.size,
    persistent: MODES[mode].persistent,
    from: cfg.from,
    to: cfg.to,
    helo: 'client.test',
    timeoutMs: cfg.timeoutMs,
  });
  const del = await server.waitDelivered({
    accepted: src.accepted,
    acceptedAtMs: src.endMs,
    timeoutMs: Math.max(10_000, cfg.timeoutMs - (src.endMs - src.startMs)),
  });
  await waitCpuQuiet(roots);
  const cpuMs = treeCpuMs(roots) - cpu0;
  const sys1 = systemCpuMs();
  const memory = mem.stop();
  const acceptSec = (src.endMs - src.startMs) / 1000;
  const deliverSec = (Math.max(del.lastDeliveryMs, src.endMs) - src.startMs) / 1000;
  const errors = [];
  if (!src.ok) errors.push(`smtp-source exit ${src.code ?? src.signal}: ${src.stderr.trim().slice(-600)}`);
  if (del.delivered < src.accepted)
    errors.push(`only ${del.delivered} of ${src.accepted} accepted were delivered`);
  if (del.deferred) errors.push(`${del.deferred} messages deferred in the queue`);
  return {
    server: server.name,
    mode,
    messages,
    ok: errors.length === 0,
    errors,
    accepted: src.accepted,
    delivered: del.delivered,
    acceptSec,
    deliverSec,
    acceptedPerSec: src.accepted / acceptSec,
    deliveredPerSec: del.delivered / deliverSec,
    cpuMs,
    cpuMsPerMsg: cpuMs / Math.max(1, src.accepted),
    peakRssMb: memory.peakRssKb / 1024,
    peakPssMb: memory.peakPssKb / 1024,
    maxProcs: memory.maxProcs,
    // Everything else busy on the machine meanwhile (smtp-source, this harness, other users).
    otherCpuMs: sys1.busyMs - sys0.busyMs - cpuMs,
    otherCpuMsPerMsg: (sys1.busyMs - sys0.busyMs - cpuMs) / Math.max(1, src.accepted),
    iowaitMs: sys1.iowaitMs - sys0.iowaitMs,
    smtpSource: { args: src.args, code: src.code, signal: src.signal },
  };
}

/** After a failed round: the end of the server's log, and stop here if the server died. */
function diagnose(server) {
  if (existsSync(server.logFile)) {
    const tail = readFileSync(server.logFile, 'utf8').trimEnd().split('\n').slice(-20).join('\n');
    if (tail) log(`last lines of ${server.logFile}:\n${tail}`);
  }
  const [root] = server.roots();
  if (root === undefined || !isAlive(root)) throw new Error(`${server.name} is no longer running`);
}

const rotate = (list, k) => list.map((_, i) => list[(i + k) % list.length]);

async function main() {
  const cfg = options();
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  if (machine.loadavg[0] > 0.5)
    log(`warning: load average ${machine.loadavg.join(' ')}: the machine is not idle`);
  const tmp = mkdtempSync(join(os.tmpdir(), 'jdmail-bench-'));
  chmodSync(tmp, 0o755); // Postfix daemons (user postfix) and its virtual agent (nobody) traverse it
  /** @type {any[]} */
  const servers = [];
  let cleaned = null;
  const cleanup = () => {
    cleaned ??= (async () => {
      for (const child of liveChildren) child.kill('SIGKILL');
      for (const s of servers) await s.stop().catch((e) => log(`stopping ${s.name}: ${e.message}`));
      if (!cfg.keep) rmSync(tmp, { recursive: true, force: true });
      else log(`kept ${tmp}`);
    })();
    return cleaned;
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(sig, () => {
      log(`${sig}: stopping servers and removing ${tmp}`);
      cleanup().finally(() => process.exit(130));
    });
  }

  const rounds = [];
  const sent = Object.fromEntries(cfg.only.map((n) => [n, 0]));
  const verified = {};
  try {
    log(`temp dir ${tmp}; config ${JSON.stringify(cfg)}`);
    const make = {
      sink: (dir) => createSink({ dir }),
      'smtp-server': (dir) => createBareSmtpServer({ dir, cli: cfg.jdmailCli }),
      postfix: (dir) => createPostfix({ dir, log: cfg.postfixLog, extra: cfg.postfixSet }),
      jdmail: (dir) =>
        createJdmail({
          dir,
          cli: cfg.jdmailCli,
          nodeArgs: cfg.jdmailNodeArgs,
          domain: 'bench.test',
          user: cfg.to,
        }),
    };
    for (const name of cfg.only) {
      const dir = join(tmp, name);
      mkdirSync(dir, { recursive: true });
      const server = await make[name](dir);
      servers.push(server);
      log(`starting ${name} on 127.0.0.1:${server.port}`);
      await server.start();
    }
    for (const server of servers) {
      for (const mode of cfg.modes) {
        log(`warm-up ${server.name} ${mode}: ${cfg.warmup} messages`);
        const r = await measure(server, { cfg, mode, messages: cfg.warmup });
        sent[server.name] += r.accepted;
        if (!r.ok) diagnose(server);
        if (!r.ok) throw new Error(`warm-up of ${server.name} (${mode}) failed: ${r.errors.join('; ')}`);
      }
    }
    for (let round = 0; round < cfg.rounds; round++) {
      for (const mode of cfg.modes) {
        for (const server of rotate(servers, round)) {
          const r = await measure(server, { cfg, mode, messages: cfg.messages });
          sent[server.name] += r.accepted;
          rounds.push({ round, ...r });
          log(
            `round ${round + 1}/${cfg.rounds} ${mode} ${server.name}: accepted ${r.acceptedPerSec.toFixed(0)}/s, ` +
              `delivered ${r.deliveredPerSec.toFixed(0)}/s, ${r.cpuMsPerMsg.toFixed(3)} CPU ms/msg, ` +
              `PSS ${r.peakPssMb.toFixed(1)} MB, other CPU ${r.otherCpuMsPerMsg.toFixed(3)} ms/msg` +
              `${r.ok ? '' : ` FAILED: ${r.errors.join('; ')}`}`,
          );
          if (!r.ok) diagnose(server);
        }
      }
    }
  } finally {
    for (const s of servers) await s.stop().catch((e) => log(`stopping ${s.name}: ${e.message}`));
    for (const s of servers) {
      verified[s.name] = {
        accepted: sent[s.name],
        ...(await s.verify().catch((e) => ({ note: String(e) }))),
      };
    }
    await cleanup();
  }

  const summary = summarize(rounds, cfg.modes, cfg.only);
  const table = markdown({ summary, rounds, config: cfg, machine, startedAt, modes: cfg.modes });
  const checks = Object.entries(verified).map(([name, v]) => `${name}: ${JSON.stringify(v)}`);
  console.log(`${table}\n\nAfter the run (all rounds and warm-ups): ${checks.join('; ')}`);
  const jd = verified.jdmail;
  if (jd && Number.isFinite(jd.stored) && jd.stored !== jd.accepted) {
    console.log(`\nWARNING: jdmail accepted ${jd.accepted} messages but stored ${jd.stored}.`);
    process.exitCode = 1;
  }
  mkdirSync(cfg.out, { recursive: true });
  const stem = join(cfg.out, `smtp-ingest-${startedAt.replace(/[:.]/g, '-')}`);
  writeFileSync(
    `${stem}.json`,
    JSON.stringify({ startedAt, machine, config: cfg, summary, rounds, verified }, null, 2),
  );
  writeFileSync(`${stem}.md`, `${table}\n`);
  log(`wrote ${stem}.json and .md`);
  if (rounds.some((r) => !r.ok)) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
