// Index parse micro-benchmark: mailparser's simpleParser (as parseIndex was) against the lean
// parseIndex, over the shared corpus, interleaved. See bench/README.md.
// Usage: pnpm --filter @jdmail/server exec tsx ../../bench/parse-index/run.ts [--rounds 9] [--iters 100]
import os from 'node:os';
import { parseArgs } from 'node:util';
import { parseIndex } from '../../packages/server/src/mail/parse-index.js';
import { typicalMessages } from '../../packages/server/src/mail/testing/index-corpus.js';
import { mailparserIndex } from '../../packages/server/src/mail/testing/mailparser-index.js';

type Parse = (head: Buffer, sawAttachment: boolean) => Promise<unknown>;

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '9' },
    iters: { type: 'string', default: '100' },
  },
});
const ROUNDS = Number(args.rounds);
const ITERS = Number(args.iters);
const IMPLS: [string, Parse][] = [
  ['mailparser', mailparserIndex],
  ['lean', parseIndex],
];

/** Mean wall-clock µs of one call over `ITERS` calls in a row: main-thread time, GC pauses included. */
async function batch(parse: Parse, raw: Buffer): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < ITERS; i++) await parse(raw, false);
  return Number(process.hrtime.bigint() - start) / 1000 / ITERS;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? Number.NaN;
const min = (xs: number[]) => Math.min(...xs);

async function main() {
  const load = os.loadavg()[0] ?? 0;
  if (load > 0.5)
    console.error(`warning: load average ${load.toFixed(2)}: other work on the machine skews the numbers`);
  const corpus = typicalMessages();
  const samples = new Map<string, number[]>();
  for (const m of corpus)
    for (const [name, parse] of IMPLS) {
      await batch(parse, m.raw); // warm-up: JIT, lazily loaded charset tables
      samples.set(`${m.name}|${name}`, []);
    }
  // Each round times every message with both parses, alternating which goes first, so that drift
  // on the machine lands on both.
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? [...IMPLS].reverse() : IMPLS;
    for (const m of corpus)
      for (const [name, parse] of order) samples.get(`${m.name}|${name}`)?.push(await batch(parse, m.raw));
  }

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `${new Date().toISOString()} — ${cpu}, ${os.cpus().length} cores, Node ${process.version}, load average ${load.toFixed(2)} at start; ` +
      `${ROUNDS} interleaved rounds × ${ITERS} calls; medians over the rounds, and minimums\n`,
  );
  console.log('| message | bytes | mailparser µs/msg | lean µs/msg | ratio | min mailparser / lean |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  const sum = { old: 0, lean: 0 };
  for (const m of corpus) {
    const old = samples.get(`${m.name}|mailparser`) ?? [];
    const lean = samples.get(`${m.name}|lean`) ?? [];
    sum.old += median(old);
    sum.lean += median(lean);
    const ratio = (median(old) / median(lean)).toFixed(1);
    console.log(
      `| ${m.name} | ${m.raw.length} | ${median(old).toFixed(0)} | ${median(lean).toFixed(0)} | ${ratio}× | ${min(old).toFixed(0)} / ${min(lean).toFixed(0)} |`,
    );
  }
  const ratio = (sum.old / sum.lean).toFixed(1);
  console.log(
    `| all of the above, one each | | ${sum.old.toFixed(0)} | ${sum.lean.toFixed(0)} | ${ratio}× | |`,
  );
}

await main();
