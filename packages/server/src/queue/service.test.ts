import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import { addUser, openStore, type StoreFixture, writeBlob } from '../../../../test/harness/mail-store.js';
import type { OutboundRows } from '../store/index.js';
import { planOutbound } from './plan.js';
import { readReport } from './testing/report.js';
import { type Answer, openQueue, standInTransport, testQueueConfig, until } from './testing/stand-in.js';

const databases = useDatabases();

const raw = (subject: string) =>
  `From: Sender <sender@example.test>\r\nTo: someone@remote.test\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@example.test>\r\n\r\nHello, ${subject}.\r\n`;

/** Queues `subject` as `mailFrom` would send it to `recipients`, as a sending path does. */
async function enqueue(
  f: StoreFixture,
  subject: string,
  recipients: string[],
  options: { mailFrom?: string; senderUserId?: string; now?: number; maxAgeHours?: number } = {},
): Promise<OutboundRows> {
  const blob = await writeBlob(f.store, raw(subject));
  const rows = planOutbound({
    mailFrom: options.mailFrom ?? 'sender@example.test',
    recipients,
    senderUserId: options.senderUserId,
    headerMessageId: `<${subject}@example.test>`,
    subject,
    size: blob.size,
    smtputf8: false,
    now: options.now ?? Date.now(),
    maxAgeHours: options.maxAgeHours,
  });
  const index = {
    from: { name: '', address: 'sender@example.test' },
    to: [],
    cc: [],
    subject,
    date: null,
    messageId: null,
    preview: '',
    hasAttachments: false,
  };
  await f.store.deliver({ blob, targets: [], index, internalDate: Date.now(), outbound: rows });
  // The store committed them with the body's id; the test keeps it to look the body up.
  rows.message.blob_id = blob.blobId;
  return rows;
}

const queueSize = async (f: StoreFixture) =>
  Number(
    (
      await f.database.db
        .selectFrom('queue_domains')
        .select((e) => e.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** The raw messages of a user's INBOX. */
async function inboxBytes(f: StoreFixture, userId: string) {
  const { items } = await f.store.listMessages(userId, { mailbox: 'INBOX', limit: 50 });
  return Promise.all(items.map((m) => f.store.blobs.readBuffer(m.blobId)));
}

/** The messages of a user's INBOX, parsed. */
async function inbox(f: StoreFixture, userId: string) {
  return Promise.all((await inboxBytes(f, userId)).map((b) => simpleParser(b)));
}

describe.each(databases.engines)('the outbound queue on %s', (engine) => {
  let f: StoreFixture;
  let closeQueue: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await closeQueue?.();
    closeQueue = undefined;
    await f?.close();
  });

  async function setUp(script: (address: string, attempt: number) => Answer, over = {}) {
    f = await openStore(await databases.fresh(engine));
    const stand = standInTransport(script);
    const q = openQueue(f, stand.transport, over);
    closeQueue = q.close;
    return { ...q, sent: stand.sent };
  }

  it('delivers each destination once with its own recipients and the stored bytes, then lets the body go', async () => {
    const { queue, trace, sent } = await setUp(() => ({ status: 'delivered' }));
    const rows = await enqueue(f, 'hello', ['a@remote.test', 'b@remote.test', 'c@other.test']);
    queue.start();
    queue.enqueued(rows);
    await until(async () => (await queueSize(f)) === 0);
    expect(sent.map((s) => [s.job.domain, s.job.recipients]).sort()).toEqual([
      ['other.test', ['c@other.test']],
      ['remote.test', ['a@remote.test', 'b@remote.test']],
    ]);
    expect(sent.every((s) => s.body === raw('hello') && s.job.mailFrom === 'sender@example.test')).toBe(true);
    // The finished message's body is released (just after its rows go).
    await until(() =>
      f.store.blobs.readBuffer(rows.message.blob_id).then(
        () => false,
        () => true,
      ),
    );
    const delivered = async () => {
      await trace.flush();
      const { items } = await trace.query(
        { messageId: '<hello@example.test>', limit: 20 },
        { domains: 'all' },
      );
      return items;
    };
    await until(async () => (await delivered()).filter((e) => e.event === 'delivered').length === 3);
    const items = await delivered();
    expect(items.filter((e) => e.event === 'queued')).toHaveLength(3);
    expect(
      items
        .filter((e) => e.event === 'delivered')
        .map((e) => e.recipient)
        .sort(),
    ).toEqual(['a@remote.test', 'b@remote.test', 'c@other.test']);
  });

  it('defers on 4xx with the answer shown, retries when asked, and delivers', async () => {
    const { queue, sent } = await setUp((_, attempt) =>
      attempt === 1
        ? { status: 'deferred', code: 451, enhanced: '4.7.1', response: 'greylisted' }
        : { status: 'delivered' },
    );
    await enqueue(f, 'grey', ['a@remote.test']);
    queue.start();
    await until(
      async () => (await queue.list({ state: 'deferred', limit: 10 }, { domains: 'all' })).items.length === 1,
    );
    const [entry] = (await queue.list({ limit: 10 }, { domains: 'all' })).items;
    expect(entry).toMatchObject({
      state: 'deferred',
      attempts: 1,
      domain: 'remote.test',
      sender: 'sender@example.test',
      lastError: { code: 451, enhanced: '4.7.1', response: 'greylisted' },
      recipients: [{ address: 'a@remote.test', state: 'deferred', code: 451, response: 'greylisted' }],
    });
    // The schedule's first step is an hour (plus up to 10%).
    const wait = Date.parse(entry?.nextAttemptAt ?? '') - Date.now();
    expect(wait).toBeGreaterThan(3500_000);
    expect(wait).toBeLessThanOrEqual(3960_000);
    await queue.retry(entry?.id ?? '', { domains: ['remote.test'] });
    await until(async () => (await queueSize(f)) === 0);
    expect(sent).toHaveLength(2);
  });

  it('bounces a 5xx to a local sender’s INBOX as an RFC 3464 report, and never twice', async () => {
    const { queue, sent } = await setUp((address) =>
      address.startsWith('bad')
        ? { status: 'failed', code: 550, enhanced: '5.1.1', response: 'no such user' }
        : { status: 'delivered' },
    );
    const sender = await addUser(f);
    await enqueue(f, 'bounce-me', ['bad@remote.test', 'good@remote.test'], { senderUserId: sender });
    queue.start();
    await until(async () => (await queueSize(f)) === 0);
    await until(async () => (await inbox(f, sender)).length === 1);
    const [dsn] = await inbox(f, sender);
    expect(dsn?.subject).toContain('Undelivered Mail Returned to Sender');
    expect(dsn?.headers.get('content-type')).toMatchObject({
      value: 'multipart/report',
      params: { 'report-type': 'delivery-status' },
    });
    expect(dsn?.text).toContain('bad@remote.test');
    expect(dsn?.text).toContain('未能投递');
    expect(dsn?.text).not.toContain('good@remote.test');
    expect(sent).toHaveLength(1);
  });

  it('bounces a remote sender’s mail from the null sender, and never bounces that bounce', async () => {
    const { queue, sent } = await setUp(() => ({ status: 'failed', code: 550, response: 'rejected' }));
    await enqueue(f, 'far', ['x@remote.test'], { mailFrom: 'someone@elsewhere.test' });
    queue.start();
    await until(() => sent.length >= 2);
    await until(async () => (await queueSize(f)) === 0);
    // Room for a third attempt, should a loop exist.
    await new Promise((r) => setTimeout(r, 300));
    expect(sent.map((s) => [s.job.mailFrom, s.job.recipients])).toEqual([
      ['someone@elsewhere.test', ['x@remote.test']],
      ['', ['someone@elsewhere.test']],
    ]);
    expect(sent[1]?.body).toContain('report-type=delivery-status');
  });

  it('sends no bounce for mail from the null sender', async () => {
    const { queue, sent } = await setUp(() => ({ status: 'failed', code: 550 }));
    await enqueue(f, 'null-sender', ['x@remote.test'], { mailFrom: '' });
    queue.start();
    await until(async () => (await queueSize(f)) === 0);
    await new Promise((r) => setTimeout(r, 300));
    expect(sent).toHaveLength(1);
    expect(await queueSize(f)).toBe(0);
  });

  it('gives up after queue.maxAgeHours without another attempt, and bounces with 4.4.7', async () => {
    let clock = Date.now();
    const { queue, trace, sent } = await setUp(() => ({ status: 'delivered' }), {
      now: () => clock,
      config: testQueueConfig({ maxAgeHours: 1 }),
    });
    const sender = await addUser(f);
    await enqueue(f, 'old', ['a@remote.test'], { senderUserId: sender, now: clock, maxAgeHours: 1 });
    clock += 2 * 3600_000;
    queue.start();
    await until(async () => (await inbox(f, sender)).length === 1);
    expect(sent).toHaveLength(0);
    const report = await readReport((await inboxBytes(f, sender))[0] ?? '');
    expect(report.perRecipient).toMatchObject([
      { 'final-recipient': 'rfc822; a@remote.test', action: 'failed', status: '4.4.7' },
    ]);
    await until(async () => {
      await trace.flush();
      const { items } = await trace.query({ to: 'a@remote.test', limit: 10 }, { domains: 'all' });
      return items.some((e) => e.event === 'expired');
    });
  });

  it('tells the sender once when a message has waited delayNoticeHours', async () => {
    let clock = Date.now();
    const { queue } = await setUp(() => ({ status: 'deferred', code: 421, response: 'busy' }), {
      now: () => clock,
      config: testQueueConfig({ delayNoticeHours: 4, retryScheduleSeconds: [60] }),
    });
    const sender = await addUser(f);
    const rows = await enqueue(f, 'slow', ['a@remote.test'], { senderUserId: sender, now: clock });
    queue.start();
    await until(
      async () => (await queue.list({ state: 'deferred', limit: 1 }, { domains: 'all' })).items.length === 1,
    );
    expect(await inbox(f, sender)).toHaveLength(0);
    const jobId = rows.domains[0]?.id ?? '';
    for (const hours of [5, 6]) {
      clock = Number(rows.message.created_at) + hours * 3600_000;
      await queue.retry(jobId, { domains: 'all' });
      await until(async () => (await queue.get(jobId, { domains: 'all' })).attempts === hours - 3);
    }
    const notices = await inboxBytes(f, sender);
    expect(notices).toHaveLength(1);
    const report = await readReport(notices[0] ?? '');
    expect(report.perRecipient).toMatchObject([
      { 'final-recipient': 'rfc822; a@remote.test', action: 'delayed', status: '4.0.0' },
    ]);
    expect(report.perRecipient[0]?.['will-retry-until']).toBeDefined();
  });

  it('shows a domain admin only entries of their domains, and removes one with a bounce', async () => {
    const { queue } = await setUp(() => ({ status: 'deferred' }));
    const sender = await addUser(f);
    await enqueue(f, 'scoped', ['a@remote.test', 'b@other.test'], { senderUserId: sender });
    queue.start();
    await until(
      async () => (await queue.list({ state: 'deferred', limit: 10 }, { domains: 'all' })).items.length === 2,
    );
    const mine = await queue.list({ limit: 10 }, { domains: ['other.test'] });
    expect(mine.items.map((e) => e.domain)).toEqual(['other.test']);
    const theirs = (await queue.list({ domain: 'remote.test', limit: 10 }, { domains: 'all' })).items[0];
    await expect(queue.get(theirs?.id ?? '', { domains: ['other.test'] })).rejects.toMatchObject({
      code: 'QUEUE_ENTRY_NOT_FOUND',
      status: 404,
    });
    await expect(queue.remove(theirs?.id ?? '', { domains: ['other.test'] })).rejects.toMatchObject({
      code: 'QUEUE_ENTRY_NOT_FOUND',
    });
    expect(
      (await queue.list({ recipient: 'a@remote.test', limit: 10 }, { domains: 'all' })).items,
    ).toHaveLength(1);
    await queue.remove(theirs?.id ?? '', { domains: 'all' }, { bounce: true });
    expect((await queue.list({ limit: 10 }, { domains: 'all' })).items.map((e) => e.domain)).toEqual([
      'other.test',
    ]);
    const [dsn] = await inbox(f, sender);
    expect(dsn?.text).toContain('a@remote.test');
    expect(dsn?.text).toContain('removed from the queue by an administrator');
  });
});
