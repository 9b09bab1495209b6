// Search at 100,000 messages in one mailbox: how long the index takes to build, what indexing
// adds to delivery, and query latency (p50/p99) for the query kinds a webmail sends, on SQLite
// and (with --postgres) PostgreSQL. See bench/README.md ("search").
// Usage: pnpm --filter @jdmail/server exec tsx ../../bench/search/run.ts [--messages 100000]
//        [--postgres] [--runs 40] [--deliveries 2000]
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { postgresWrite } from '../../packages/server/src/search/engine-postgres.js';
import { sqliteWrite } from '../../packages/server/src/search/engine-sqlite.js';
import {
  createSearchIndexer,
  type SearchOptions,
  searchDocument,
  searchMessages,
} from '../../packages/server/src/search/index.js';
import { newId } from '../../packages/server/src/shared/index.js';
import { createMailStore, type Database, openDatabase } from '../../packages/server/src/store/index.js';
import { addUser, type StoreFixture, sampleIndex } from '../../test/harness/mail-store.js';
import { startPostgres } from '../../test/harness/postgres.js';
import { MARKERS, message } from './corpus.js';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '100000' },
    postgres: { type: 'boolean', default: false },
    runs: { type: 'string', default: '40' },
    deliveries: { type: 'string', default: '2000' },
    /** Keep the data directory here (SQLite) and reuse a filled one: for looking at query plans. */
    dir: { type: 'string' },
  },
});
const N = Number(args.messages);
const RUNS = Number(args.runs);
const engine = args.postgres ? 'postgres' : 'sqlite';
const BATCH = 500;

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const ms = (t: number) => (t < 10 ? t.toFixed(1) : t.toFixed(0));

/** Rows and documents of `N` messages straight into the store, through the indexer's own document and write code. */
async function fill(database: Database, user: string, inbox: string, start: number) {
  const write = database.engine === 'postgres' ? postgresWrite : sqliteWrite;
  let docMs = 0;
  let writeMs = 0;
  for (let at = 0; at < N; at += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, N - at) }, (_, k) => message(at + k, start));
    const rows = batch.map((m, k) => {
      const index = sampleIndex(m.subject);
      return {
        id: newId(m.internalDate),
        mailbox_id: inbox,
        user_id: user,
        uid: at + k + 1,
        modseq: at + k + 1,
        seen: m.seen ? 1 : 0,
        flagged: m.flagged ? 1 : 0,
        answered: 0,
        draft: 0,
        deleted: 0,
        keywords: '[]',
        internal_date: m.internalDate,
        size: m.raw.length,
        from_name: m.fromName,
        from_address: m.fromAddress,
        to_json: JSON.stringify(index.to),
        cc_json: '[]',
        subject: m.subject,
        date: m.internalDate,
        message_id: null,
        preview: '',
        has_attachments: m.hasAttachments ? 1 : 0,
        blob_id: `b${at + k}`,
      };
    });
    await database.db.insertInto('messages').values(rows).execute();
    const t0 = performance.now();
    const docs = [];
    for (const [k, m] of batch.entries())
      docs.push({ blobId: `b${at + k}`, doc: await searchDocument(m.raw) });
    const t1 = performance.now();
    await write(database, docs, Date.now());
    docMs += t1 - t0;
    writeMs += performance.now() - t1;
  }
  await database.db
    .updateTable('mailboxes')
    .set({ uid_next: N + 1, highest_modseq: N, total: N })
    .where('id', '=', inbox)
    .execute();
  return { docMs, writeMs };
}

/** Deliveries through the store (32 at a time), with and without the indexer following them. */
let delivered = 0;
async function deliveryCost(f: StoreFixture, user: string, count: number) {
  const base = 10_000_000 + delivered;
  delivered += count;
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const m = message(base + next++, Date.now());
      const writer = f.store.blobs.createWriter();
      await writer.write(m.raw);
      await f.store.deliver({
        blob: await writer.finish(),
        targets: [{ userId: user }],
        index: sampleIndex(m.subject),
        internalDate: Date.now(),
      });
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  return performance.now() - t0;
}

const queries = (start: number): Array<[string, Omit<SearchOptions, 'limit'>]> => [
  ['rare English word (10 hits)', { q: MARKERS.rare }],
  ['rare Chinese word, 2 chars (10 hits)', { q: MARKERS.rareZh }],
  ['English word, 1 in 1,000', { q: MARKERS.every1000 }],
  ['common English word', { q: 'meeting' }],
  ['common English prefix `meet`', { q: 'meet' }],
  ['common Chinese 2 chars `会议`', { q: '会议' }],
  ['Chinese 1 char `票`', { q: '票' }],
  ['Chinese 4 chars `增值税专`', { q: '增值税专' }],
  ['two words `发票 合同`', { q: '发票 合同' }],
  ['field `from:张伟`', { q: 'from:张伟' }],
  ['attachment name `filename:合同`', { q: 'filename:合同' }],
  ['filters only: INBOX, unread', { mailbox: 'INBOX', unread: true, q: '' }],
  ['filters only: flagged (2%)', { flagged: true }],
  ['filters only: has attachment', { hasAttachment: true }],
  [
    'filters only: a week, 40% back',
    { since: start + 0.6 * N * 60_000, before: start + 0.6 * N * 60_000 + 7 * 86_400_000 },
  ],
  [
    'word in a week, 40% back `会议`',
    { q: '会议', since: start + 0.6 * N * 60_000, before: start + 0.6 * N * 60_000 + 7 * 86_400_000 },
  ],
  ['word + flagged `会议`', { q: '会议', flagged: true }],
];

async function time(
  database: Database,
  user: string,
  options: SearchOptions,
): Promise<{ times: number[]; hits: number; cpu: number }> {
  const times: number[] = [];
  let hits = 0;
  let cpu = 0;
  for (let i = 0; i < RUNS + 3; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const page = await searchMessages(database, user, options);
    const used = process.cpuUsage(c0);
    if (i >= 3) {
      times.push(performance.now() - t0);
      cpu += (used.user + used.system) / 1000;
    }
    hits = page.items.length;
  }
  // CPU: this process's mean (SQLite runs the query here; PostgreSQL's server work is not in it).
  return { times: times.sort((a, b) => a - b), hits, cpu: cpu / RUNS };
}

const dataDir = args.dir ?? mkdtempSync(join(os.tmpdir(), 'jdmail-search-'));
mkdirSync(dataDir, { recursive: true });
const pg = args.postgres ? await startPostgres() : undefined;
const databaseUrl = pg ? await pg.createDatabase() : '';
const database = await openDatabase({ dataDir, databaseUrl });
const indexer = { current: undefined as ReturnType<typeof createSearchIndexer> | undefined };
const store = createMailStore({ database, dataDir, onBodiesStored: (ids) => indexer.current?.enqueue(ids) });
const existing = await database.db.selectFrom('domains').select('id').executeTakeFirst();
const domainId = existing?.id ?? newId();
if (!existing)
  await database.db
    .insertInto('domains')
    .values({ id: domainId, name: 'bench.test', created_at: 1 })
    .execute();
const f: StoreFixture = {
  database,
  store,
  domainId,
  close: async () => {
    await store.close();
    await database.close();
  },
};
try {
  const reuse = await database.db.selectFrom('users').select('id').executeTakeFirst();
  const user = reuse?.id ?? (await addUser(f));
  const inbox = (await store.getMailbox(user, 'INBOX')).id;
  const first = await database.db
    .selectFrom('messages')
    .select('internal_date')
    .orderBy('internal_date')
    .executeTakeFirst();
  const start = first ? Number(first.internal_date) : Date.now() - N * 60_000;
  const t0 = performance.now();
  const { docMs, writeMs } = reuse ? { docMs: 0, writeMs: 0 } : await fill(database, user, inbox, start);
  if (!reuse)
    console.log(
      `${engine}: ${N} messages in ${((performance.now() - t0) / 1000).toFixed(0)} s; ` +
        `documents ${((docMs * 1000) / N).toFixed(0)} µs/message (CPU), index writes ${((writeMs * 1000) / N).toFixed(0)} µs/message`,
    );
  if (database.engine === 'postgres')
    await database.db.executeQuery({ sql: 'ANALYZE', parameters: [], query: {} as never } as never);

  console.log(`| query | hits (page of 50) | p50 ms | p99 ms | CPU ms here |`);
  console.log(`| --- | ---: | ---: | ---: | ---: |`);
  for (const [name, options] of queries(start)) {
    const { times, hits, cpu } = await time(database, user, { ...options, limit: 50 });
    console.log(
      `| ${name} | ${hits} | ${ms(quantile(times, 0.5))} | ${ms(quantile(times, 0.99))} | ${ms(cpu)} |`,
    );
  }
  // Page 20 of a common word: following the cursor, the last page's fetch timed.
  let cursor: string | undefined;
  for (let p = 0; p < 19; p++)
    cursor = (await searchMessages(database, user, { q: '会议', limit: 50, cursor })).nextCursor ?? undefined;
  const deep = await time(database, user, { q: '会议', limit: 50, cursor });
  console.log(
    `| page 20 of \`会议\` (cursor) | ${deep.hits} | ${ms(quantile(deep.times, 0.5))} | ${ms(quantile(deep.times, 0.99))} | ${ms(deep.cpu)} |`,
  );

  // Deliveries without and with the indexer, twice each, alternating (the first round warms up).
  const D = Number(args.deliveries);
  indexer.current = createSearchIndexer({ database, blobs: store.blobs });
  const follower = indexer.current;
  follower.start();
  for (let round = 1; round <= 2; round++) {
    indexer.current = undefined;
    const plain = await deliveryCost(f, user, D);
    await follower.indexBlobs([]); // (the unindexed ones stay for the backfill of a restart; not measured)
    indexer.current = follower;
    const t1 = performance.now();
    const withIndex = await deliveryCost(f, user, D);
    await follower.idle();
    const caughtUp = performance.now() - t1;
    console.log(
      `round ${round}, deliveries (32 concurrent): ${(D / (plain / 1000)).toFixed(0)}/s without the indexer, ` +
        `${(D / (withIndex / 1000)).toFixed(0)}/s with it; all indexed ${(caughtUp - withIndex).toFixed(0)} ms after the last delivery`,
    );
  }
  indexer.current = follower;
  await indexer.current.stop();
} finally {
  await f.close();
  await pg?.stop();
  if (!args.dir) rmSync(dataDir, { recursive: true, force: true });
}
