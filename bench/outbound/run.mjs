#!/usr/bin/env node
// Outbound benchmark: 20,000 messages of 10 KB submitted to Postfix and to jdmail, both relaying
// to one smtp-sink, counted at the sink (delivered msg/s, CPU per message); then the queue's claim
// time at 1,000 and 1,000,000 queued rows. See bench/README.md ("Outbound").
// Usage: node bench/outbound/run.mjs [--messages N] [--rounds R] [--only postfix,jdmail] …
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runBenchmark } from './lib/bench.mjs';
import { markdown, summarize } from './lib/report.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..', '..');

const OPTIONS = {
  messages: { type: 'string', default: '20000', help: 'messages per round and server' },
  size: { type: 'string', default: '10240', help: 'bytes per message' },
  sessions: { type: 'string', default: '20', help: 'parallel submission sessions' },
  connections: { type: 'string', default: '20', help: 'connections each server may open to the sink' },
  rounds: { type: 'string', default: '3', help: 'interleaved rounds; medians are over these' },
  warmup: { type: 'string', default: '2000', help: 'warm-up messages per server (0: none)' },
  only: { type: 'string', default: 'postfix,jdmail', help: 'servers, from postfix,jdmail' },
  'claim-rows': { type: 'string', default: '1000,1000000', help: 'queue lengths to time the claim at' },
  claims: { type: 'string', default: '200', help: 'claims timed per queue length' },
  'claim-batch': { type: 'string', default: '4', help: 'jobs per claim' },
  timeout: { type: 'string', default: '900', help: 'seconds allowed per round' },
  out: { type: 'string', default: join(REPO, 'bench', 'results'), help: 'where the JSON and markdown go' },
  'jdmail-cli': {
    type: 'string',
    default: join(REPO, 'packages/server/dist/cli/main.js'),
    help: 'jdmail CLI',
  },
  'postfix-log': { type: 'boolean', default: false, help: 'write the Postfix log (costs CPU)' },
  keep: { type: 'boolean', default: false, help: 'keep the temp dir' },
  help: { type: 'boolean', default: false, help: 'this text' },
};

function options() {
  const { values } = parseArgs({ options: OPTIONS, strict: true });
  if (values.help) {
    const rows = Object.entries(OPTIONS).map(([k, o]) => `  --${k.padEnd(12)} ${o.help} [${o.default}]`);
    console.log(`node bench/outbound/run.mjs [options]\n${rows.join('\n')}`);
    process.exit(0);
  }
  const int = (k, min = 1) => {
    const n = Number(values[k]);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${k} must be an integer ≥ ${min}`);
    return n;
  };
  const servers = String(values.only)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of servers)
    if (!['postfix', 'jdmail'].includes(s)) throw new Error(`--only: unknown server ${s}`);
  const jdmailCli = resolve(String(values['jdmail-cli']));
  return {
    servers,
    messages: int('messages'),
    size: int('size'),
    sessions: int('sessions'),
    connections: int('connections'),
    rounds: int('rounds'),
    warmup: int('warmup', 0),
    claimRows: String(values['claim-rows']).split(',').filter(Boolean).map(Number),
    claims: int('claims'),
    claimBatch: int('claim-batch'),
    timeoutMs: int('timeout') * 1000,
    jdmailCli,
    serverDist: resolve(dirname(jdmailCli), '..'),
    postfixLog: Boolean(values['postfix-log']),
    keep: Boolean(values.keep),
    out: resolve(String(values.out)),
  };
}

const log = (line) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

async function main() {
  const cfg = options();
  const startedAt = new Date().toISOString();
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}`;
  if (os.loadavg()[0] > 0.5) log(`warning: load average ${os.loadavg().join(' ')}: the machine is not idle`);
  const { rounds, claim } = await runBenchmark({ ...cfg, log });
  const table = markdown({ rounds, claim, config: cfg, machine });
  console.log(table);
  mkdirSync(cfg.out, { recursive: true });
  const stem = join(cfg.out, `outbound-${startedAt.replace(/[:.]/g, '-')}`);
  writeFileSync(
    `${stem}.json`,
    JSON.stringify({ startedAt, machine, config: cfg, summary: summarize(rounds), rounds, claim }, null, 2),
  );
  writeFileSync(`${stem}.md`, `${table}\n`);
  log(`wrote ${stem}.json and .md`);
  if (rounds.some((r) => !r.ok)) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
