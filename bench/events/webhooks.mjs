#!/usr/bin/env node
// Webhook delivery benchmark (issue 20): events appended to the real event log (SQLite, or
// PostgreSQL with --database-url) at --rate events/s for --seconds, delivered by the real webhook
// worker (built server code) to --endpoints receivers in another process. "Keeps up" = every
// event reaches every endpoint, in order, and the lag from commit to arrival stays bounded.
// See bench/README.md ("events: webhooks"). Usage: node bench/events/webhooks.mjs [--rate 1000] …
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = dirname(fileURLToPath(import.meta.url));
const DIST = resolve(HERE, '..', '..', 'packages/server/dist');
const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '30' },
    endpoints: { type: 'string', default: '10' },
    'batch-ms': { type: 'string', default: '50' },
    'database-url': { type: 'string', default: '' },
    'drain-seconds': { type: 'string', default: '60' },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const endpointCount = Number(values.endpoints);
const batchMs = Number(values['batch-ms']);

const { openDatabase, appendEvents } = await import(join(DIST, 'store/index.js'));
const { createEventLog, toCloudEvent } = await import(join(DIST, 'events/index.js'));
const { createWebhookService } = await import(join(DIST, 'events/webhooks/index.js'));

/** Warnings only (a failed pass or write), as pino's `warn` would print them. */
const quietLog = {
  info() {},
  debug() {},
  warn: (obj, msg) => console.error('warn', msg, obj?.err?.message ?? ''),
  error: (obj, msg) => console.error('error', msg, obj?.err?.message ?? ''),
  child() {
    return quietLog;
  },
};

const dataDir = mkdtempSync(join(os.tmpdir(), 'jdmail-bench-webhooks-'));
const database = await openDatabase({ dataDir, databaseUrl: values['database-url'] });
const domainId = `bench-${Date.now()}`;
await database.db
  .insertInto('domains')
  .values({ id: domainId, name: 'bench.test', created_at: Date.now() })
  .execute();
const events = createEventLog({ database });
const service = createWebhookService({
  database,
  directory: { getDomain: async (name) => ({ id: domainId, name, createdAt: 0 }) },
  events,
  toCloudEvent,
  source: 'https://bench.test',
  log: quietLog,
  config: {
    allowPrivateTargets: true,
    timeoutSeconds: 10,
    concurrency: 32,
    retryBaseSeconds: 1,
    retryMaxSeconds: 60,
    retryHours: 24,
    disableAfterFailures: 0,
    secretOverlapHours: 24,
    attemptRetentionDays: 7,
    leaseSeconds: 60,
    pollSeconds: 5,
  },
});

const receivers = fork(join(HERE, 'webhooks-receivers.mjs'), [String(endpointCount)]);
const ask = (m, key) =>
  new Promise((res) => {
    const on = (msg) => {
      if (key in msg) {
        receivers.off('message', on);
        res(msg[key]);
      }
    };
    receivers.on('message', on);
    if (m) receivers.send(m);
  });
const ports = await ask(null, 'ports');
for (const port of ports)
  await service.create({
    url: `http://127.0.0.1:${port}/hook`,
    domain: 'bench.test',
    createdBy: 'bench',
    eventTypes: ['message.new'],
  });
service.start();

// The load: a transaction every batchMs with rate × batchMs / 1000 events, on a fixed schedule.
const perBatch = Math.max(1, Math.round((rate * batchMs) / 1000));
const total = Math.round(rate * seconds);
const cpu0 = process.cpuUsage();
const t0 = Date.now();
let appended = 0;
while (appended < total) {
  const n = Math.min(perBatch, total - appended);
  const batch = Array.from({ length: n }, (_, i) => ({
    type: 'message.new',
    domain: 'bench.test',
    address: `u${(appended + i) % 100}@bench.test`,
    data: {
      mailbox: 'INBOX',
      id: `m${appended + i}`,
      uid: appended + i + 1,
      subject: `bench ${appended + i}`,
      size: 2000,
    },
  }));
  await database.db.transaction().execute((trx) => appendEvents(trx, batch));
  appended += n;
  const due = t0 + (appended / rate) * 1000;
  const wait = due - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
const appendEnd = Date.now();
let drained = null;
const drainLimit = appendEnd + Number(values['drain-seconds']) * 1000;
while (Date.now() < drainLimit) {
  const counts = await ask('counts', 'counts');
  if (counts.every((c) => c >= total)) {
    drained = Date.now();
    break;
  }
  await new Promise((r) => setTimeout(r, 50));
}
const cpu = process.cpuUsage(cpu0);
const stats = await ask('stats', 'stats');
await service.stop();
await events.close();
await database.close();
rmSync(dataDir, { recursive: true, force: true });

const delivered = stats.received.reduce((a, b) => a + b, 0);
const result = {
  engine: database.engine,
  rate,
  seconds,
  endpoints: endpointCount,
  appended: total,
  appendRate: Math.round(total / ((appendEnd - t0) / 1000)),
  deliveredTotal: delivered,
  deliveredPerSecond: Math.round(delivered / (((drained ?? Date.now()) - t0) / 1000)),
  drainAfterLastAppendMs: drained === null ? null : drained - appendEnd,
  lagMs: stats.lagMs,
  outOfOrder: stats.outOfOrder,
  duplicates: stats.duplicates,
  serverCpuMsPerDelivery: Math.round(((cpu.user + cpu.system) / 1000 / Math.max(1, delivered)) * 1000) / 1000,
  receiverCpuMs: stats.cpuMs,
  keptUp: drained !== null && stats.outOfOrder === 0,
};
console.log(JSON.stringify(result, null, 2));
process.exit(result.keptUp ? 0 : 1);
