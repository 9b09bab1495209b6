// The group committer alone: what a batch costs against what a message costs. Delivers 10 KB
// bodies to one user's INBOX on SQLite in batches of fixed sizes and reports the process's CPU
// per message for each size. See bench/README.md ("What a batch costs the committer").
// Usage: pnpm --filter @jdmail/server exec tsx ../../bench/committer/run.ts [--messages 8000]
//        [--batches 1,2,4,8,16,32] [--size 10240] [--thread] [--dist]
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { newId } from '../../packages/server/src/shared/index.js';
import type * as BlobsModule from '../../packages/server/src/store/blobs.js';
import type * as CommitModule from '../../packages/server/src/store/commit.js';
import type { Committer } from '../../packages/server/src/store/commit.js';
import type * as ThreadModule from '../../packages/server/src/store/commit-thread.js';
import type * as DbModule from '../../packages/server/src/store/db.js';
import { addUser, openStore, sampleIndex } from '../../test/harness/mail-store.js';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '8000' },
    batches: { type: 'string', default: '1,2,4,8,16,32' },
    size: { type: 'string', default: '10240' },
    // The committer as jdmail runs it on SQLite: on a thread of its own, each batch handed over.
    thread: { type: 'boolean', default: false },
    // The built package (packages/server/dist, `pnpm build` first) instead of the sources. Under
    // tsx the committer's thread also loads tsx and runs its module hooks; the build is what runs.
    dist: { type: 'boolean', default: false },
  },
});
const code = new URL(
  args.dist ? '../../packages/server/dist/store/' : '../../packages/server/src/store/',
  import.meta.url,
);
const load = <T>(name: string): Promise<T> =>
  import(new URL(`${name}.${args.dist ? 'js' : 'ts'}`, code).href);
const { createBlobStore } = await load<typeof BlobsModule>('blobs');
const { createCommitter } = await load<typeof CommitModule>('commit');
const { createThreadCommitter } = await load<typeof ThreadModule>('commit-thread');
const { openSqliteFile } = await load<typeof DbModule>('db');
const MESSAGES = Number(args.messages);
const SIZES = args.batches.split(',').map(Number);
const BODY = Buffer.alloc(Number(args.size), 'x');

/**
 * CPU time of each of this process's threads so far, in µs, by thread id (Linux `/proc`, in clock
 * ticks of 10 ms: the measured runs last seconds). Empty where `/proc` is not there.
 */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[] = [];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // utime and stime: fields 14 and 15, counted after the parenthesised command name.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, (Number(fields[11]) + Number(fields[12])) * 10_000);
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/** The main thread's CPU and the busiest other thread's (the committer's, with --thread), in µs. */
function splitThreads(before: Map<string, number>, after: Map<string, number>) {
  const used = [...after].map(([tid, us]) => [tid, us - (before.get(tid) ?? 0)] as const);
  const main = used.find(([tid]) => tid === String(process.pid))?.[1] ?? 0;
  const other = Math.max(0, ...used.filter(([tid]) => tid !== String(process.pid)).map(([, us]) => us));
  return { main, other };
}

async function measure(batch: number) {
  const dataDir = mkdtempSync(join(os.tmpdir(), 'jdmail-committer-'));
  // The store opens the database (migrated) and gives the user its mailboxes; its own committer
  // stays idle, and the one measured here commits over a connection of its own.
  const fixture = await openStore({ engine: 'sqlite', dataDir, databaseUrl: '' });
  const userId = await addUser(fixture);
  const file = join(dataDir, 'jdmail.db');
  const blobDir = join(dataDir, 'blobs');
  let committer: Committer;
  let close = async () => {};
  if (args.thread) {
    committer = createThreadCommitter({ file, blobDir, maxBatch: 64 });
  } else {
    const database = openSqliteFile(file);
    committer = createCommitter({
      database,
      blobs: createBlobStore({ dir: blobDir, sweep: false }),
      maxBatch: 64,
      // Its connection is its own, as on the committer's thread.
      ownConnection: true,
    });
    close = () => database.close();
  }
  const index = sampleIndex('bench');
  const one = () =>
    committer.submit({
      blob: { blobId: newId(), size: BODY.length, data: Buffer.from(BODY) },
      targets: [{ userId, mailbox: 'INBOX' }],
      index,
      internalDate: Date.now(),
    });
  const run = async (n: number) => {
    for (let i = 0; i < n; i += batch) await Promise.all(Array.from({ length: batch }, one));
  };
  await run(Math.min(MESSAGES, 10_000)); // warm-up: V8's compiling, SQLite's page cache, the WAL's size
  const flushes = committer.stats.flushes;
  const threadsBefore = threadCpu();
  const cpu = process.cpuUsage();
  const start = performance.now();
  await run(MESSAGES);
  const used = process.cpuUsage(cpu);
  const threads = splitThreads(threadsBefore, threadCpu());
  const seconds = (performance.now() - start) / 1000;
  const result = {
    batch,
    cpuUsPerMsg: (used.user + used.system) / MESSAGES,
    userUsPerMsg: used.user / MESSAGES,
    systemUsPerMsg: used.system / MESSAGES,
    mainUsPerMsg: threads.main / MESSAGES,
    otherUsPerMsg: threads.other / MESSAGES,
    msgPerSec: MESSAGES / seconds,
    flushes: committer.stats.flushes - flushes,
  };
  await committer.close();
  await close();
  await fixture.close();
  rmSync(dataDir, { recursive: true, force: true });
  return result;
}

async function main() {
  const load = os.loadavg()[0] ?? 0;
  if (load > 0.5)
    console.error(`warning: load average ${load.toFixed(2)}: other work on the machine skews the numbers`);
  const where = `${args.thread ? 'on its own thread' : 'in-process'}, from ${args.dist ? 'the build' : 'the sources'}`;
  console.log(
    `committer ${where}, ${MESSAGES} deliveries of ${BODY.length} B per batch size, after a warm-up\n`,
  );
  console.log(
    '| batch | CPU µs/msg | user | system | main thread | busiest other thread | msg/s | commits |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const rows = [];
  for (const size of SIZES) {
    const r = await measure(size);
    rows.push(r);
    const f = (x: number) => x.toFixed(0);
    console.log(
      `| ${r.batch} | ${f(r.cpuUsPerMsg)} | ${f(r.userUsPerMsg)} | ${f(r.systemUsPerMsg)} | ${f(r.mainUsPerMsg)} | ${f(r.otherUsPerMsg)} | ${f(r.msgPerSec)} | ${r.flushes} |`,
    );
  }
  // cost = perMessage + perBatch / batch, fitted by least squares over 1/batch.
  const xs = rows.map((r) => 1 / r.batch);
  const ys = rows.map((r) => r.cpuUsPerMsg);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const perBatch =
    xs.reduce((s, x, i) => s + (x - mx) * ((ys[i] as number) - my), 0) /
    xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  if (rows.length > 1 && Number.isFinite(perBatch)) {
    console.log(
      `\nfit: ≈ ${(my - perBatch * mx).toFixed(0)} µs per message + ${perBatch.toFixed(0)} µs per batch`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
