// The IMAP session core's two numbers (issue 19): SELECT of a 1,000,000-message mailbox (time,
// and memory the session keeps), and memory per idle session (logged in, INBOX selected, IDLE)
// in a real server process, over plaintext and over TLS. See bench/README.md ("IMAP sessions").
// Usage: pnpm --filter @jdmail/server exec tsx --expose-gc ../../bench/imap-session/run.ts
//        [--messages 1000000] [--sessions 2000] [--inbox 2000] [--skip-select] [--skip-idle] [--postgres]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { imapHarness } from '../../packages/server/src/imap/session/testing/harness.js';
import { startPostgres } from '../../test/harness/postgres.js';
import { runCli, startServer } from '../../test/harness/server.js';

const kysely = createRequire(new URL('../../packages/server/package.json', import.meta.url)).resolve(
  'kysely',
);
const { sql } = (await import(
  pathToFileURL(kysely).href
)) as typeof import('../../packages/server/node_modules/kysely/dist/esm/index.js');

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' },
    sessions: { type: 'string', default: '2000' },
    inbox: { type: 'string', default: '2000' },
    'skip-select': { type: 'boolean', default: false },
    'skip-idle': { type: 'boolean', default: false },
    postgres: { type: 'boolean', default: false },
  },
});
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** SELECT INBOX of N messages through a real session (in-process, in-memory socket), on SQLite or PostgreSQL. */
async function selectBench(n: number, postgres: boolean): Promise<void> {
  const dataDir = mkdtempSync(join(os.tmpdir(), 'jdmail-imap-select-'));
  const pg = postgres ? await startPostgres() : undefined;
  const databaseUrl = pg ? await pg.createDatabase() : '';
  const h = await imapHarness({ engine: pg ? 'postgres' : 'sqlite', dataDir, databaseUrl });
  try {
    const user = await h.addUser();
    const inbox = await h.f.store.getMailbox(user.id, 'INBOX');
    const series = pg
      ? sql`select x from generate_series(1, ${n}::bigint) as x`
      : sql`with recursive c(x) as (select 1 union all select x + 1 from c where x < ${n}) select x from c`;
    await sql`insert into messages (id, mailbox_id, user_id, uid, modseq, seen, flagged, answered, draft, deleted,
        keywords, internal_date, size, from_name, from_address, to_json, cc_json, subject, date, message_id,
        preview, has_attachments, blob_id)
      select 'b' || cast(x as text), ${inbox.id}, ${user.id}, x, x, case when x % 3 = 0 then 1 else 0 end, 0, 0, 0, 0,
        case when x % 10 = 0 then '["$Junk"]' else '[]' end, 0, 10000, 'S', 's@x.test', '[]', '[]', 'subject', null,
        null, '', 0, 'blob' || cast(x as text)
      from (${series}) as s`.execute(h.f.database.db);
    await h.f.database.db
      .updateTable('mailboxes')
      .set({ uid_next: n + 1, highest_modseq: n, total: n, unread: n - Math.floor(n / 3), size: n * 10000 })
      .where('id', '=', inbox.id)
      .execute();
    const client = await h.login(user);
    for (let run = 1; run <= 3; run++) {
      globalThis.gc?.();
      const heap0 = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const answer = await client.command('s', 'SELECT INBOX');
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      globalThis.gc?.();
      const heap1 = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
      console.log(
        `SELECT ${n} messages (${pg ? 'PostgreSQL' : 'SQLite'}), run ${run}: ${ms.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU, ` +
          `${answer.untagged[0]}, memory kept after GC ${mb(heap1 - heap0)} (the previous view, if any, freed)`,
      );
      await client.command('u', 'UNSELECT');
    }
  } finally {
    await h.close();
    await pg?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Server RSS and the V8 heap as /proc sees the process. */
function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

/** Opens `count` sessions (logged in, INBOX selected, IDLE) and returns their sockets. */
async function idleSessions(port: number, count: number, secure: boolean): Promise<net.Socket[]> {
  const sockets: net.Socket[] = [];
  const one = () =>
    new Promise<net.Socket>((resolve, reject) => {
      const socket = secure
        ? tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false })
        : net.connect({ port, host: '127.0.0.1' });
      let buf = '';
      let step = 0;
      socket.on('error', reject);
      socket.on('data', (d) => {
        buf += d.toString('latin1');
        if (step === 0 && buf.includes('\r\n')) {
          step = 1;
          socket.write('a LOGIN alice@example.com alice-password\r\nb SELECT INBOX\r\nc IDLE\r\n');
        }
        if (step === 1 && buf.includes('+ idling')) {
          step = 2;
          resolve(socket);
        }
        if (/^[abc] (NO|BAD)/m.test(buf)) reject(new Error(buf));
      });
    });
  // Batches of 5: the login guard counts attempts in flight, and refuses a burst of dozens from one address.
  for (let i = 0; i < count; i += 5)
    sockets.push(...(await Promise.all(Array.from({ length: Math.min(5, count - i) }, one))));
  return sockets;
}

async function idleBench(sessions: number, messages: number): Promise<void> {
  const server = await startServer({
    env: { JDMAIL_IMAP_MAX_CONNECTIONS_PER_IP: '0', JDMAIL_IMAP_MAX_SESSIONS_PER_USER: '0' },
  });
  try {
    const env = { JDMAIL_DATA_DIR: server.dataDir };
    await runCli(['domain', 'add', 'example.com'], env);
    await runCli(['user', 'add', 'alice@example.com', '--password-stdin'], env, 'alice-password\n');
    const pid = Number(/"pid":(\d+)/.exec(server.output.join('\n'))?.[1]);
    // Fill INBOX with APPENDs (LITERAL+, pipelined in batches).
    const filler = net.connect({ port: server.imapPort, host: '127.0.0.1' });
    await new Promise((r) => filler.once('data', r));
    const body = `Subject: m\r\n\r\n${'x'.repeat(5000)}\r\n`;
    for (let i = 0; i < messages; i += 100) {
      let batch = i === 0 ? 'L LOGIN alice@example.com alice-password\r\n' : '';
      for (let j = i; j < Math.min(messages, i + 100); j++)
        batch += `A${j} APPEND INBOX {${body.length}+}\r\n${body}\r\n`;
      const last = `A${Math.min(messages, i + 100) - 1} OK`;
      await new Promise<void>((resolve) => {
        let seen = '';
        const onData = (d: Buffer) => {
          seen += d.toString();
          if (seen.includes(last)) {
            filler.off('data', onData);
            resolve();
          }
        };
        filler.on('data', onData);
        filler.write(batch);
      });
    }
    filler.destroy();
    for (const secure of [false, true]) {
      await new Promise((r) => setTimeout(r, 2000));
      const before = rssOf(pid);
      const t0 = performance.now();
      const held = await idleSessions(secure ? server.imapsPort : server.imapPort, sessions, secure);
      const opened = performance.now() - t0;
      await new Promise((r) => setTimeout(r, 3000)); // let the server's GC settle
      const after = rssOf(pid);
      console.log(
        `${sessions} idle sessions over ${secure ? 'TLS' : 'plaintext'} (INBOX of ${messages}): server RSS +${mb(after - before)}, ` +
          `${((after - before) / sessions / 1024).toFixed(1)} KB per session (opened in ${(opened / 1000).toFixed(1)} s)`,
      );
      for (const s of held) s.destroy();
    }
  } finally {
    await server.destroy();
  }
}

if (!args['skip-select']) await selectBench(Number(args.messages), args.postgres);
if (!args['skip-idle']) await idleBench(Number(args.sessions), Number(args.inbox));
process.exit(0);
