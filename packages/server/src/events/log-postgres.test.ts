import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import { appendEvents, type Database, type NewEvent, openDatabase } from '../store/index.js';
import { createEventLog, type LocalEventLog } from './index.js';

// PostgreSQL only: several connections write at once, so the order in which
// positions become visible, and waking other nodes, are this engine's questions.

const databases = useDatabases();

const ev = (n: number): NewEvent => ({
  type: 'user.updated',
  domain: 'one.test',
  address: 'a@one.test',
  data: { n },
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('event log on postgres', () => {
  let url: string;
  let a: Database;
  let b: Database;
  beforeAll(async () => {
    const t = await databases.fresh('postgres');
    url = t.databaseUrl;
    // Two pools, two event bells: as two nodes sharing the database.
    a = await openDatabase(t);
    b = await openDatabase({ dataDir: t.dataDir, databaseUrl: url });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('a reader never finds a new event below a position it has already seen', async () => {
    const log = createEventLog({ database: b });
    const writers = 8;
    const each = 25;
    let done = false;
    const known = new Set<number>();
    let highest = 0;
    const violations: number[] = [];
    // Writers hold their transaction open a random while after appending, so commits race.
    const write = async (w: number) => {
      for (let i = 0; i < each; i++)
        await a.db.transaction().execute(async (trx) => {
          await appendEvents(trx, [ev(w * 1000 + i)]);
          await sleep(Math.random() * 5);
        });
    };
    const reader = (async () => {
      while (!done) {
        const page = await log.read({ after: 0, scope: { domains: 'all' }, limit: 10_000 });
        // A row at or below the highest position already seen must have been seen then.
        for (const e of page)
          if (e.position <= highest && !known.has(e.position)) violations.push(e.position);
        for (const e of page) known.add(e.position);
        highest = Math.max(highest, page.at(-1)?.position ?? 0);
        await sleep(1);
      }
    })();
    await Promise.all(Array.from({ length: writers }, (_, w) => write(w)));
    done = true;
    await reader;
    expect(violations).toEqual([]);
    const all = await log.read({ after: 0, scope: { domains: 'all' }, limit: 10_000 });
    expect(all).toHaveLength(writers * each);
    await log.close();
  });

  it('wakes another node’s onAppend through NOTIFY, only for committed events', async () => {
    const other: LocalEventLog = createEventLog({ database: b });
    const woken: number[] = [];
    let wake: () => void = () => {};
    other.onAppend((p) => {
      woken.push(p);
      wake();
    });
    // Resolves once a wake-up has reached `position` (an earlier test's notification may still arrive first).
    const reached = (position: number) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (woken.some((p) => p >= position)) resolve();
          else wake = check;
        };
        check();
      });
    const headOfA = () => createEventLog({ database: a }).head();
    // Once a first commit has woken it, the LISTEN connection is up.
    await a.db.transaction().execute((trx) => appendEvents(trx, [ev(0)]));
    await reached(await headOfA());
    const before = woken.length;
    await expect(
      a.db.transaction().execute(async (trx) => {
        await appendEvents(trx, [ev(1)]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await a.db.transaction().execute((trx) => appendEvents(trx, [ev(2)]));
    const head = await headOfA();
    await reached(head);
    // Node b's own bell never rang (it wrote nothing): only the notification can have woken it,
    // once, for the committed event — the rolled-back one announced nothing.
    expect(woken.slice(before)).toEqual([head]);
    await other.close();
  });
});
