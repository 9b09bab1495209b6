import { createServer } from 'node:net';
import { JdMail, type StreamedEvent } from '@jdmail/sdk';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, useDatabases } from './harness/databases.js';
import { startServer, type TestServer } from './harness/server.js';

// The SSE event stream end to end on both engines, with real clients: the
// SDK's iterator and plain fetch reading text/event-stream. New mail over
// SMTP reaches a stream; a client that reconnects with Last-Event-ID gets
// exactly what it missed; another domain's events never show; and after a
// kill -9 mid-flow the SDK resumes and every message accepted with 250
// before the kill has its message.new.

const databases = useDatabases();

type Frame = { id: number; type: string; data: StreamedEvent };

/** Reads SSE frames from a fetch response until `count` events came, or one passes `until` (or `ms` passed). */
async function readEvents(res: Response, count: number | ((e: Frame) => boolean), ms = 15_000) {
  const enough =
    typeof count === 'number'
      ? (events: Frame[]) => events.length >= count
      : (events: Frame[]) => events.some(count);
  const reader = (res.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
  const events: Frame[] = [];
  let buffer = '';
  const deadline = setTimeout(() => void reader.cancel(), ms);
  try {
    while (!enough(events)) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const id = /^id: (\d+)$/m.exec(frame)?.[1];
        const type = /^event: (.+)$/m.exec(frame)?.[1];
        const data = /^data: (.+)$/m.exec(frame)?.[1];
        if (id && type && data) events.push({ id: Number(id), type, data: JSON.parse(data) });
      }
    }
  } finally {
    clearTimeout(deadline);
    await reader.cancel().catch(() => undefined);
  }
  return events;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

describe.each(databases.engines)('event stream on %s', (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let jd: JdMail;
  let adminKey: string;
  let httpPort: number;

  const smtp = () =>
    nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.smtpPort,
      secure: false,
      tls: { rejectUnauthorized: false },
    });
  const stream = (token: string, query = '', headers: Record<string, string> = {}) =>
    fetch(`${server.baseUrl}/api/v1/events/stream${query}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', ...headers },
    });

  beforeAll(async () => {
    db = await databases.fresh(engine);
    httpPort = await freePort();
    server = await startServer({ databaseUrl: db.databaseUrl, env: { JDMAIL_HTTP_PORT: String(httpPort) } });
    adminKey = server.adminKey ?? '';
    jd = new JdMail({ baseUrl: server.baseUrl, token: adminKey });
    await jd.domains.create('a-events.test');
    await jd.domains.create('b-events.test');
    await jd.users.create({ address: 'ann@a-events.test', password: 'ann-password-1' });
    await jd.users.create({ address: 'amy@a-events.test', password: 'amy-password-1' });
    await jd.users.create({ address: 'bob@b-events.test', password: 'bob-password-1' });
  });
  afterAll(() => server?.destroy());

  it('delivers message.new to the SDK iterator after an SMTP delivery, as a CloudEvent', async () => {
    const stop = new AbortController();
    const got: StreamedEvent[] = [];
    const reading = (async () => {
      for await (const e of jd.events.stream({ types: ['message.new'], signal: stop.signal })) {
        got.push(e);
        if (got.length === 1) stop.abort();
      }
    })();
    // The stream starts "from now": give it a moment to be open before the mail comes.
    await new Promise((r) => setTimeout(r, 300));
    const t = smtp();
    await t.sendMail({
      from: 'x@partner.test',
      to: 'ann@a-events.test',
      subject: 'Live',
      text: 'hello',
      messageId: '<live-1@partner.test>',
    });
    t.close();
    await reading;
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({
      specversion: '1.0',
      type: 'message.new',
      subject: 'ann@a-events.test',
      data: {
        address: 'ann@a-events.test',
        mailbox: 'INBOX',
        subject: 'Live',
        messageId: '<live-1@partner.test>',
      },
    });
  });

  it('resumes with Last-Event-ID (or after=): exactly the events missed, none twice', async () => {
    const t = smtp();
    const first = await stream(adminKey, '?types=message.new&after=0');
    const seen = await readEvents(first, 1);
    const last = seen.at(-1)?.id ?? 0;
    for (let i = 0; i < 5; i++)
      await t.sendMail({
        from: 'x@partner.test',
        to: 'amy@a-events.test',
        subject: `missed ${i}`,
        text: 'm',
      });
    t.close();
    const isLast = (e: Frame) => (e.data.data as { subject: string }).subject === 'missed 4';
    const all = await readEvents(await stream(adminKey, '?types=message.new&after=0'), isLast);
    const expected = all.filter((e) => e.id > last).map((e) => e.id);
    expect(expected.length).toBeGreaterThanOrEqual(5);
    const byHeader = await readEvents(
      await stream(adminKey, '?types=message.new', { 'last-event-id': String(last) }),
      expected.length,
    );
    expect(byHeader.map((e) => e.id)).toEqual(expected);
    const byQuery = await readEvents(
      await stream(adminKey, `?types=message.new&after=${last}`),
      expected.length,
    );
    expect(byQuery.map((e) => e.id)).toEqual(expected);
    expect(new Set(byHeader.map((e) => e.data.id)).size).toBe(expected.length);
  });

  it('shows a domain key only its domain and a user only their own events', async () => {
    const { key } = await jd.apiKeys.create({
      name: 'a-events',
      scopes: ['events:read'],
      domain: 'a-events.test',
    });
    const t = smtp();
    await t.sendMail({ from: 'x@partner.test', to: 'bob@b-events.test', subject: 'for b', text: 'b' });
    await t.sendMail({ from: 'x@partner.test', to: 'amy@a-events.test', subject: 'for amy', text: 'a' });
    await t.sendMail({ from: 'x@partner.test', to: 'ann@a-events.test', subject: 'for ann', text: 'a' });
    // Last, to someone every view includes: positions are in order, so once it arrives a leak would have too.
    await t.sendMail({ from: 'x@partner.test', to: 'ann@a-events.test', subject: 'sentinel', text: 's' });
    t.close();
    const sentinel = (e: Frame) => (e.data.data as { subject?: string }).subject === 'sentinel';
    const all = await readEvents(await stream(adminKey, '?after=0'), sentinel);
    const inA = (e: Frame) => e.data.subject?.endsWith('@a-events.test');
    expect(all.some((e) => e.data.subject === 'bob@b-events.test')).toBe(true);
    const domainView = await readEvents(await stream(key, '?after=0'), sentinel);
    expect(domainView.map((e) => e.id)).toEqual(all.filter(inA).map((e) => e.id));
    const basic = Buffer.from('ann@a-events.test:ann-password-1').toString('base64');
    const annView = await readEvents(
      await fetch(`${server.baseUrl}/api/v1/events/stream?after=0`, {
        headers: { authorization: `Basic ${basic}` },
      }),
      sentinel,
    );
    expect(annView.map((e) => e.id)).toEqual(
      all.filter((e) => e.data.subject === 'ann@a-events.test').map((e) => e.id),
    );
    // A key without the scope is refused before any stream starts.
    const { key: mailOnly } = await jd.apiKeys.create({ name: 'no-events', scopes: ['mail:read'] });
    const refused = await stream(mailOnly);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    const bad = await stream(adminKey, '', { 'last-event-id': 'abc' });
    expect(bad.status).toBe(400);
  });

  it('after kill -9 while mail flows, the SDK resumes and every message accepted before the kill has its event', async () => {
    const seen = new Map<string, StreamedEvent>();
    const stop = new AbortController();
    const client = new JdMail({
      baseUrl: server.baseUrl,
      token: adminKey,
      sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 300))),
    });
    const reading = (async () => {
      for await (const e of client.events.stream({
        types: ['message.new'],
        signal: stop.signal,
        maxReconnectDelayMs: 500,
      }))
        seen.set(e.id, e);
    })();
    await new Promise((r) => setTimeout(r, 300));
    const accepted: string[] = [];
    const t = smtp();
    let crashed = false;
    const sending = (async () => {
      for (let i = 0; !crashed && i < 500; i++) {
        const messageId = `<kill-${engine}-${i}@partner.test>`;
        try {
          await t.sendMail({
            from: 'x@partner.test',
            to: 'ann@a-events.test',
            subject: `k${i}`,
            text: 'k',
            messageId,
          });
          accepted.push(messageId);
        } catch {
          return;
        }
      }
    })();
    await new Promise((r) => setTimeout(r, 1500));
    crashed = true;
    await server.crash();
    await sending;
    t.close();
    expect(accepted.length).toBeGreaterThan(0);
    server = await startServer({
      dataDir: server.dataDir,
      databaseUrl: db.databaseUrl,
      env: { JDMAIL_HTTP_PORT: String(httpPort) },
    });
    const deadline = Date.now() + 30_000;
    const ids = () => new Set([...seen.values()].map((e) => (e.data as { messageId: string }).messageId));
    while (Date.now() < deadline && !accepted.every((m) => ids().has(m)))
      await new Promise((r) => setTimeout(r, 100));
    stop.abort();
    await reading;
    const missing = accepted.filter((m) => !ids().has(m));
    expect(missing).toEqual([]);
  });
});
