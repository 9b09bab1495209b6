import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type OutboundConfig, runBenchmark } from './lib/bench.mjs';
import { markdown } from './lib/report.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

// The outbound benchmark end to end on a small sample: 200 messages submitted to Postfix and to
// jdmail (its built CLI, with AUTH), both relaying to one smtp-sink, each counted there exactly;
// then the claim timed on small queues. The full run (20,000 messages, 1,000,000 rows) is the lead's.
describe('outbound benchmark, a small sample against Postfix and jdmail', () => {
  it('relays every submitted message to the sink once, measures both, and times the claim', async () => {
    const lines: string[] = [];
    const config: OutboundConfig = {
      servers: ['postfix', 'jdmail'],
      messages: 200,
      size: 10_240,
      sessions: 5,
      connections: 5,
      rounds: 1,
      warmup: 0,
      timeoutMs: 180_000,
      stallMs: 60_000,
      jdmailCli: join(REPO, 'packages/server/dist/cli/main.js'),
      serverDist: join(REPO, 'packages/server/dist'),
      claimRows: [1_000, 20_000],
      claims: 20,
      claimBatch: 4,
      log: (l: string) => lines.push(l),
    };
    const run = await runBenchmark(config);
    expect(
      run.rounds.filter((r) => !r.ok).map((r) => `${r.server}: ${r.errors.join('; ')}`),
      lines.join('\n'),
    ).toEqual([]);
    for (const server of ['postfix', 'jdmail']) {
      const [r] = run.rounds.filter((x) => x.server === server);
      expect(r).toMatchObject({ accepted: 200, delivered: 200 });
      expect(r?.deliveredPerSec).toBeGreaterThan(0);
      expect(r?.cpuMsPerMsg).toBeGreaterThan(0);
    }
    expect(run.claim.map((c) => [c.rows, c.claimed])).toEqual([
      [1_000, 80],
      [20_000, 80],
    ]);
    for (const c of run.claim) expect(c.medianMs).toBeGreaterThan(0);
    const md = markdown({ ...run, config, machine: 'test' });
    expect(md).toMatch(/^\| postfix \| [\d,]+ \|/m);
    expect(md).toMatch(/^\| jdmail \| [\d,]+ \|/m);
    expect(md).toContain('Targets: jdmail/Postfix delivered msg/s');
    expect(md).toMatch(/^\| 20,000 \| 20 × 4 \|/m);
  }, 300_000);
});
