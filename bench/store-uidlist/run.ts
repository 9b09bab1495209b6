// SELECT of a 1,000,000-message mailbox, store side: how long `loadUidList` takes and how much
// memory the view it returns holds, on SQLite and (with --postgres) PostgreSQL. Rows are made
// with one INSERT … SELECT, so only the load is measured. See bench/README.md ("A session's view").
// Usage: pnpm --filter @jdmail/server exec tsx ../../bench/store-uidlist/run.ts [--messages 1000000]
//        [--postgres] [--runs 3]
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { FLAG } from '../../packages/server/src/store/index.js';
import { addUser, openStore } from '../../test/harness/mail-store.js';
import { startPostgres } from '../../test/harness/postgres.js';

// kysely is the server package's dependency, not the workspace root's.
const kysely = createRequire(new URL('../../packages/server/package.json', import.meta.url)).resolve(
  'kysely',
);
const { sql } = (await import(
  pathToFileURL(kysely).href
)) as typeof import('../../packages/server/node_modules/kysely/dist/esm/index.js');

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' },
    postgres: { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
  },
});
const N = Number(args.messages);
const dataDir = mkdtempSync(join(os.tmpdir(), 'jdmail-uidlist-'));
const pg = args.postgres ? await startPostgres() : undefined;
const databaseUrl = pg ? await pg.createDatabase() : '';
const f = await openStore({ engine: pg ? 'postgres' : 'sqlite', dataDir, databaseUrl });
try {
  const user = await addUser(f);
  const inbox = await f.store.getMailbox(user, 'INBOX');
  const t0 = performance.now();
  const series = pg
    ? sql`select x from generate_series(1, ${N}::bigint) as x`
    : sql`with recursive c(x) as (select 1 union all select x + 1 from c where x < ${N}) select x from c`;
  // Every third message read, every tenth with a keyword: a realistic mix for the flag columns.
  await sql`insert into messages (id, mailbox_id, user_id, uid, modseq, seen, flagged, answered, draft, deleted,
      keywords, internal_date, size, from_name, from_address, to_json, cc_json, subject, date, message_id,
      preview, has_attachments, blob_id)
    select 'b' || cast(x as text), ${inbox.id}, ${user}, x, x, case when x % 3 = 0 then 1 else 0 end, 0, 0, 0, 0,
      case when x % 10 = 0 then '["$Junk"]' else '[]' end, 0, 10000, 'S', 's@x.test', '[]', '[]', 'subject', null,
      null, '', 0, 'blob' || cast(x as text)
    from (${series}) as s`.execute(f.database.db);
  await f.database.db
    .updateTable('mailboxes')
    .set({ uid_next: N + 1, highest_modseq: N, total: N, size: N * 10000 })
    .where('id', '=', inbox.id)
    .execute();
  console.log(
    `${pg ? 'postgres' : 'sqlite'}: ${N} rows made in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  for (const uidsOnly of [false, true]) {
    for (let run = 1; run <= Number(args.runs); run++) {
      globalThis.gc?.();
      const before = process.memoryUsage();
      const start = performance.now();
      const cpu0 = process.cpuUsage();
      const list = await f.store.loadUidList(user, inbox.id, { uidsOnly });
      const ms = performance.now() - start;
      const cpu = process.cpuUsage(cpu0);
      const after = process.memoryUsage();
      const held = list.uids.byteLength + list.modseqs.byteLength + list.flags.byteLength;
      const seen = list.flags.reduce((n, b) => n + (b & FLAG.seen ? 1 : 0), 0);
      console.log(
        `${uidsOnly ? 'uids only' : 'full     '} run ${run}: ${ms.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU, ` +
          `view ${(held / 1e6).toFixed(1)} MB (+ ${list.keywords.size} keyword entries), ` +
          `RSS ${((after.rss - before.rss) / 1e6).toFixed(0)} MB more, peak heap ${((after.heapUsed - before.heapUsed) / 1e6).toFixed(0)} MB more, ` +
          `${list.uids.length} uids${uidsOnly ? '' : `, ${seen} seen`}`,
      );
    }
  }
  const start = performance.now();
  const changes = await f.store.changesSince(user, inbox.id, N - 10);
  console.log(
    `changesSince(last 10): ${(performance.now() - start).toFixed(1)} ms, ${changes.changed.length} changed`,
  );
} finally {
  await f.close();
  await pg?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
