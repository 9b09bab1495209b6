import { createHash } from 'node:crypto';
import { JdMail, type MessageSummary } from '@jdmail/sdk';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../packages/server/src/store/index.js';
import { type TestDatabase, useDatabases } from './harness/databases.js';
import { startServer, type TestServer } from './harness/server.js';

// The first promise of the product: a message that got its 250 is never lost.
// Here the server is killed (SIGKILL: no shutdown code runs) while eight
// sessions are delivering, and what was acknowledged must be there after a
// restart, whole, once, with counters that agree with the messages. The kill
// loses the process, not the kernel's page cache, so this tests the order of
// commit and reply, recovery and accounting, not the disk's flush.

const databases = useDatabases();

const SESSIONS = 8;
/** Kill, restart, and deliver again, this many times. */
const CRASHES = 3;
/** Acknowledged messages to wait for before each kill: enough that many batches were committed. */
const ACKED_PER_CRASH = 100;
/** Every BIG_EVERY-th message carries an attachment too large for the database: it goes to a body file. */
const BIG_EVERY = 7;
const BIG_BYTES = 200 * 1024;
/** Every BOTH_EVERY-th message is for both users: one body, two rows. */
const BOTH_EVERY = 3;

const USERS = ['ann@crash.test', 'ben@crash.test'] as const;

/** The attachment of a big message: bytes that depend on the message, so a mix-up shows. */
function attachmentOf(n: number): Buffer {
  const out = Buffer.alloc(BIG_BYTES);
  let block = createHash('sha256').update(`message ${n}`).digest();
  for (let i = 0; i < BIG_BYTES; i += block.length) {
    block.copy(out, i);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

interface Sent {
  n: number;
  to: string[];
  big: boolean;
}

async function listAll(jd: JdMail, address: string): Promise<MessageSummary[]> {
  const all: MessageSummary[] = [];
  for await (const m of jd.mail.list(address, { limit: 100 })) all.push(m);
  return all;
}

describe.each(databases.engines)('a crash on %s', (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let jd: JdMail;
  let adminKey: string;
  const sent = new Map<string, Sent>();
  const acked = new Set<string>();
  let failed = 0;

  beforeAll(async () => {
    db = await databases.fresh(engine);
    server = await startServer({ databaseUrl: db.databaseUrl });
    adminKey = server.adminKey ?? '';
    jd = new JdMail({ baseUrl: server.baseUrl, token: adminKey });
    await jd.domains.create('crash.test');
    for (const address of USERS) await jd.users.create({ address, password: 'crash-password' });

    let next = 0;
    /** Delivers from SESSIONS sessions until `ackedBy` messages are acknowledged, then kills the server. */
    const loadAndKill = async (ackedBy: number) => {
      const transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port: server.smtpPort,
        pool: true,
        maxConnections: SESSIONS,
        maxMessages: Number.POSITIVE_INFINITY,
        ignoreTLS: true,
      });
      let crashed: Promise<void> | undefined;
      const session = async () => {
        while (!crashed) {
          const n = next++;
          const subject = `crash ${n}`;
          const to = n % BOTH_EVERY === 0 ? [...USERS] : [USERS[n % 2] as string];
          const big = n % BIG_EVERY === 0;
          sent.set(subject, { n, to, big });
          try {
            await transport.sendMail({
              from: 'load@sender.test',
              to,
              subject,
              text: `Message ${n}.\n`.repeat(100),
              attachments: big ? [{ filename: `m${n}.bin`, content: attachmentOf(n) }] : [],
            });
            acked.add(subject);
            // Killed the moment a 250 arrives, with the other sessions mid-delivery: a server
            // that answered before its commit would lose the messages it just acknowledged.
            if (acked.size >= ackedBy) crashed ??= server.crash();
          } catch {
            failed += 1; // in flight when the server died: may or may not have been stored
          }
        }
      };
      await Promise.all(Array.from({ length: SESSIONS }, session));
      await crashed;
      transport.close();
    };
    // A crash loses at most what was in flight; which messages those are depends on timing, so
    // the kill comes several times, each at a different point of the commit cycle.
    for (let cycle = 1; cycle <= CRASHES; cycle++) {
      await loadAndKill(cycle * ACKED_PER_CRASH);
      server = await startServer({ dataDir: server.dataDir, databaseUrl: db.databaseUrl });
    }
    jd = new JdMail({ baseUrl: server.baseUrl, token: adminKey });
  }, 120_000);
  afterAll(() => server?.destroy());

  it('was killed while deliveries were in flight, each time', () => {
    expect(acked.size).toBeGreaterThanOrEqual(CRASHES * ACKED_PER_CRASH);
    // The sessions that were mid-message when the process died saw their delivery fail.
    expect(failed).toBeGreaterThanOrEqual(CRASHES);
  });

  it('has every acknowledged message after the restart, once, and nothing it never received', async () => {
    for (const address of USERS) {
      const listed = await listAll(jd, address);
      const subjects = listed.map((m) => m.subject);
      expect(new Set(subjects).size, `${address}: a message stored twice`).toBe(subjects.length);
      for (const s of subjects) {
        expect(sent.get(s)?.to, `${address}: "${s}" was not sent to it`).toContain(address);
      }
      const expected = [...acked].filter((s) => sent.get(s)?.to.includes(address));
      const have = new Set(subjects);
      expect(
        expected.filter((s) => !have.has(s)),
        `${address}: acknowledged and lost`,
      ).toEqual([]);
    }
  });

  it('keeps bodies whole, those in the database and those in files', async () => {
    const listed = await listAll(jd, USERS[0]);
    const big = listed.filter((m) => sent.get(m.subject)?.big).slice(0, 3);
    const small = listed.filter((m) => !sent.get(m.subject)?.big).slice(0, 3);
    expect(big.length).toBeGreaterThan(0);
    expect(small.length).toBeGreaterThan(0);
    for (const m of [...big, ...small]) {
      const n = sent.get(m.subject)?.n as number;
      const raw = await jd.mail.raw(USERS[0], m.id);
      expect(raw.byteLength).toBe(m.size);
      const detail = await jd.mail.get(USERS[0], m.id);
      expect(detail.text).toContain(`Message ${n}.`);
      if (!sent.get(m.subject)?.big) continue;
      const part = detail.attachments[0];
      const file = await jd.mail.attachment(USERS[0], m.id, part?.id ?? '');
      expect(Buffer.from(file.content).equals(attachmentOf(n))).toBe(true);
    }
  });

  it('has counters and used bytes that agree with the messages', async () => {
    for (const address of USERS) {
      const listed = await listAll(jd, address);
      expect(await jd.mail.unreadCount(address)).toEqual({ unread: listed.length, total: listed.length });
      const inbox = (await jd.mail.mailboxes(address)).find((b) => b.name === 'INBOX');
      expect(inbox).toMatchObject({ total: listed.length, unread: listed.length });
      const user = await jd.users.get(address);
      expect(user.usedBytes).toBe(listed.reduce((sum, m) => sum + m.size, 0));
    }
  });

  it('journals every message in the transaction that stored it: no message without its row, no row without its message', async () => {
    const database = await openDatabase({ dataDir: server.dataDir, databaseUrl: db.databaseUrl });
    try {
      const { db: q } = database;
      const messages = await q.selectFrom('messages').select(['mailbox_id', 'uid', 'modseq']).execute();
      const changes = await q
        .selectFrom('mail_changes')
        .select(['mailbox_id', 'uid', 'modseq', 'kind'])
        .execute();
      const key = (r: { mailbox_id: string; uid: number; modseq: number }) =>
        `${r.mailbox_id} ${Number(r.uid)} ${Number(r.modseq)}`;
      expect(changes.every((c) => c.kind === 'new')).toBe(true);
      expect(messages.length).toBeGreaterThanOrEqual(CRASHES * ACKED_PER_CRASH);
      expect(new Set(changes.map(key))).toEqual(new Set(messages.map(key)));
      expect(changes).toHaveLength(messages.length);
    } finally {
      await database.close();
    }
  });

  it('goes on delivering after the restart', async () => {
    const before = await jd.mail.unreadCount(USERS[1]);
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.smtpPort,
      ignoreTLS: true,
    });
    await transport.sendMail({
      from: 'load@sender.test',
      to: USERS[1],
      subject: 'after the crash',
      text: 'hi',
    });
    transport.close();
    expect(await jd.mail.unreadCount(USERS[1])).toEqual({
      unread: before.unread + 1,
      total: before.total + 1,
    });
    const latest = await jd.mail.list(USERS[1], { limit: 1 });
    expect(latest.items[0]?.subject).toBe('after the crash');
  });
});
