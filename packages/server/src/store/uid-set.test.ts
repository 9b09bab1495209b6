import { CompiledQuery, type KyselyPlugin, type RootOperationNode, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import { addUser, openStore, type StoreFixture } from '../../../../test/harness/mail-store.js';
import { changesSince } from './changes.js';
import { FLAG } from './index.js';
import { PAGE_ROWS, scanMessages, toRanges, type UidRanges } from './uid-set.js';

const databases = useDatabases();

/** Counts the statements run through a Kysely instance. */
function counting() {
  const counter = { queries: 0 };
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      counter.queries += 1;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { counter, plugin };
}

describe.each(databases.engines)('scanMessages and the journal on %s', (engine) => {
  let f: StoreFixture;
  let mailboxId = '';
  let userId = '';
  /** UIDs present: 1 … 3,000 but every third one gone (as after expunges). */
  const present: number[] = [];
  const N = 3 * PAGE_ROWS;

  beforeAll(async () => {
    f = await openStore(await databases.fresh(engine));
    userId = await addUser(f);
    mailboxId = (await f.store.getMailbox(userId, 'INBOX')).id;
    const series =
      engine === 'postgres'
        ? sql`select x from generate_series(1, ${N}::bigint) as x`
        : sql`with recursive c(x) as (select 1 union all select x + 1 from c where x < ${N}) select x from c`;
    await sql`insert into messages (id, mailbox_id, user_id, uid, modseq, seen, flagged, answered, draft, deleted,
        keywords, internal_date, size, from_name, from_address, to_json, cc_json, subject, date, message_id,
        preview, has_attachments, blob_id)
      select 'm' || cast(x as text), ${mailboxId}, ${userId}, x, x, 0, 0, 0, 0, 0, '[]', 0, 100, 'S',
        's@x.test', '[]', '[]', 'subject', null, null, '', 0, 'blob' || cast(x as text)
      from (${series}) as s where x % 3 <> 0`.execute(f.database.db);
    for (let u = 1; u <= N; u++) if (u % 3 !== 0) present.push(u);
  });
  afterAll(() => f.close());

  async function scan(ranges: UidRanges) {
    const { counter, plugin } = counting();
    const uids: number[] = [];
    for await (const page of scanMessages(f.database.db.withPlugin(plugin), mailboxId, ranges))
      for (const row of page) uids.push(Number(row.uid));
    return { uids, queries: counter.queries };
  }
  const expected = (ranges: UidRanges) => present.filter((u) => ranges.some(([a, b]) => u >= a && u <= b));

  it('reads many short ranges close together with one query, and only the UIDs asked for', async () => {
    // A sequence set 1:200 over a mailbox where every third message was expunged: the UIDs of the
    // messages present, a hundred short UID ranges with a gap between each.
    const ranges = toRanges(present.slice(0, 200));
    expect(ranges).toHaveLength(100);
    const { uids, queries } = await scan(ranges);
    expect(uids).toEqual(expected(ranges));
    expect(uids).toHaveLength(200);
    expect(queries).toBe(1);
  });

  it('pages a long range, reads far-apart singles with one query, and mixes both in UID order', async () => {
    const ranges = toRanges([[2, 2500], 2900, 2903, [2950, 2960], 2999, 4000]);
    const { uids } = await scan(ranges);
    expect(uids).toEqual(expected(ranges));
    const singles = toRanges([1, 1201, 2401, 3700]);
    const far = await scan(singles);
    expect(far.uids).toEqual([1, 1201, 2401, 3700].filter((u) => u <= N).filter((u) => u % 3 !== 0));
    expect(far.queries).toBe(1);
    // Ranges that nearly touch PAGE_ROWS: the window never reads past the span it can hold.
    const edge = toRanges([
      [1, 10],
      [PAGE_ROWS - 5, PAGE_ROWS + 5],
      [2 * PAGE_ROWS, 2 * PAGE_ROWS + 1],
    ]);
    expect((await scan(edge)).uids).toEqual(expected(edge));
    // A few UIDs far apart within one page's span (a FETCH of 5,200,800): not a window that would
    // read the hundreds of rows between them, each range is read on its own.
    const sparse = toRanges([
      [5, 6],
      [200, 201],
      [800, 801],
    ]);
    const { counter, plugin } = counting();
    const rows: number[] = [];
    for await (const page of scanMessages(f.database.db.withPlugin(plugin), mailboxId, sparse))
      rows.push(...page.map((r) => Number(r.uid)));
    expect(rows).toEqual(expected(sparse));
    expect(counter.queries).toBe(3);
    expect((await scan([])).uids).toEqual([]);
  });

  it('loads a view with UIDs and modseqs past 32 bits signed, flags and keywords (SELECT)', async () => {
    const owner = await addUser(f);
    const box = (await f.store.getMailbox(owner, 'INBOX')).id;
    const rows = [
      { uid: 7, modseq: 3, seen: 1, flagged: 0, keywords: '[]' },
      { uid: 2 ** 31 + 5, modseq: 2 ** 40 + 1, seen: 0, flagged: 1, keywords: '["$Junk","work"]' },
      { uid: 2 ** 32 - 1, modseq: 2 ** 40 + 2, seen: 1, flagged: 1, keywords: '[]' },
    ];
    for (const r of rows)
      await sql`insert into messages (id, mailbox_id, user_id, uid, modseq, seen, flagged, answered, draft, deleted,
          keywords, internal_date, size, from_name, from_address, to_json, cc_json, subject, date, message_id,
          preview, has_attachments, blob_id)
        values (${`big${r.uid}`}, ${box}, ${owner}, ${r.uid}, ${r.modseq}, ${r.seen}, ${r.flagged}, 0, 0, 0,
          ${r.keywords}, 0, 100, 'S', 's@x.test', '[]', '[]', 'subject', null, null, '', 0, ${`b${r.uid}`})`.execute(
        f.database.db,
      );
    const view = await f.store.loadUidList(owner, box);
    expect([...view.uids]).toEqual([7, 2 ** 31 + 5, 2 ** 32 - 1]);
    expect([...view.modseqs]).toEqual([3, 2 ** 40 + 1, 2 ** 40 + 2]);
    expect([...view.flags]).toEqual([FLAG.seen, FLAG.flagged, FLAG.seen | FLAG.flagged]);
    expect(view.keywords).toEqual(new Map([[2 ** 31 + 5, ['$Junk', 'work']]]));
    expect([...(await f.store.loadUidList(owner, box, { uidsOnly: true })).uids]).toEqual([
      7,
      2 ** 31 + 5,
      2 ** 32 - 1,
    ]);
  });

  it('reads the changes after a modseq from the journal without scanning all of it', async () => {
    const rows = Array.from({ length: 2000 }, (_, k) => ({
      mailbox_id: mailboxId,
      modseq: 10 + k,
      uid: 1 + (k % 2),
      kind: k === 1999 ? 'expunge' : 'flags',
      at: 0,
    }));
    for (let k = 0; k < rows.length; k += 200)
      await f.database.db
        .insertInto('mail_changes')
        .values(rows.slice(k, k + 200) as never)
        .execute();
    await f.database.db
      .updateTable('mailboxes')
      .set({ highest_modseq: 2009, uid_next: N + 1 })
      .where('id', '=', mailboxId)
      .execute();
    // The statements changesSince runs, kept to be explained below.
    const ran: RootOperationNode[] = [];
    const keep: KyselyPlugin = {
      transformQuery(args) {
        ran.push(args.node);
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const db = f.database.db.withPlugin(keep);
    const changes = await changesSince({ ...f.database, db }, userId, mailboxId, 2007);
    expect(changes.expunged).toEqual([{ uid: 2, modseq: 2009 }]);
    if (engine !== 'sqlite') return;
    // The journal read must bound the index range by modseq, or it reads every row of the mailbox.
    const journalRead = ran
      .map((node) => f.database.db.getExecutor().compileQuery(node, { queryId: 'plan' }))
      .find((q) => q.sql.includes('from "mail_changes"'));
    if (!journalRead) throw new Error('changesSince read no journal');
    const plan = await f.database.db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${journalRead.sql}`, [...journalRead.parameters]),
    );
    expect(plan.rows.map((r) => r.detail).join('\n')).toMatch(/mailbox_id=\? AND modseq>\?/);
  });
});
