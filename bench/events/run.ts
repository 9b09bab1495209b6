/**
 * bench/events: what the event log and its surfaces cost and how fast they
 * are. Parts (`--parts`, default all):
 *
 *   fanout   10,000 SSE streams on one node get a new-mail event while SMTP
 *            ingest runs flat out: p50/p99/max from the SMTP 250 to receipt.
 *   ingest   MX messages/s with event writing against a baseline build
 *            without it (`--baseline-cli`).
 *   webhooks (E3 adds it: 1,000 events/s to 10 endpoints) — register it in PARTS.
 *
 *   pnpm --filter @jdmail/server build
 *   nice pnpm --filter @jdmail/server exec tsx ../../bench/events/run.ts \
 *     [--parts fanout,ingest] [--subscribers 10000] [--probes 20] [--messages 2000] [--rounds 3] \
 *     [--baseline-cli /path/to/main/packages/server/dist/cli/main.js]
 *
 * Prints a markdown table; see bench/README.md.
 */
import { parseArgs } from 'node:util';
import { startServer } from '../../test/harness/server.js';
import { runFanout } from './fanout.js';
import { runIngest } from './ingest.js';
import { median } from './lib.js';

const { values } = parseArgs({
  options: {
    parts: { type: 'string', default: 'fanout,ingest' },
    subscribers: { type: 'string', default: '10000' },
    probes: { type: 'string', default: '20' },
    'probe-interval-ms': { type: 'string', default: '500' },
    sessions: { type: 'string', default: '8' },
    messages: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '3' },
    'baseline-cli': { type: 'string', default: '/work/main/packages/server/dist/cli/main.js' },
  },
});
const n = (k: keyof typeof values) => Number(values[k]);
const fmt = (x: number, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

/** One part: runs, returns the markdown lines of its table. E3: add `webhooks` here. */
const PARTS: Record<string, () => Promise<string[]>> = {
  async fanout() {
    const server = await startServer({
      env: { JDMAIL_SSE_MAX_STREAMS_PER_CREDENTIAL: String(n('subscribers') + 10) },
    });
    try {
      await fetch(`${server.baseUrl}/api/v1/domains`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'bench.test' }),
      });
      await fetch(`${server.baseUrl}/api/v1/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ address: 'rcpt@bench.test' }),
      });
      const r = await runFanout(server, {
        subscribers: n('subscribers'),
        probes: n('probes'),
        probeIntervalMs: n('probe-interval-ms'),
        sessions: n('sessions'),
      });
      console.error(JSON.stringify(r));
      return [
        '| streams (connected) | probes | receipts lost | p50 ms | p99 ms | max ms | ingest meanwhile msg/s | connect s |',
        '|---:|---:|---:|---:|---:|---:|---:|---:|',
        `| ${r.subscribers} (${r.connected}) | ${r.probes} | ${r.lost} of ${r.expected} | ${fmt(r.p50Ms)} | ${fmt(r.p99Ms)} | ${fmt(r.maxMs)} | ${fmt(r.ingestPerSecond)} | ${fmt(r.secondsToConnect, 1)} |`,
      ];
    } finally {
      await server.destroy();
    }
  },
  async ingest() {
    const r = await runIngest({
      messages: n('messages'),
      rounds: n('rounds'),
      sessions: n('sessions'),
      baselineCli: String(values['baseline-cli']),
    });
    console.error(JSON.stringify(r));
    const list = (xs: number[]) => xs.map((x) => fmt(x)).join(', ');
    const cpuCost = 1 - median(r.cpuBaseline) / median(r.cpuWithEvents);
    return [
      '| build | messages/s per round | median msg/s | server CPU ms/msg (median) |',
      '|---|---|---:|---:|',
      `| baseline (no event log) | ${list(r.baseline)} | ${fmt(median(r.baseline))} | ${fmt(median(r.cpuBaseline), 2)} |`,
      `| with event writing | ${list(r.withEvents)} | ${fmt(median(r.withEvents))} | ${fmt(median(r.cpuWithEvents), 2)} |`,
      `| **cost** | | **${fmt(r.cost * 100, 1)}%** | ${fmt(cpuCost * 100, 1)}% of the CPU |`,
    ];
  },
};

for (const part of String(values.parts).split(',')) {
  const run = PARTS[part];
  if (!run) throw new Error(`unknown part ${part}; known: ${Object.keys(PARTS).join(', ')}`);
  console.log(`\n### ${part}\n`);
  for (const line of await run()) console.log(line);
}
