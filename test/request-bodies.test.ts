import http from 'node:http';
import { JdMail } from '@jdmail/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from './harness/databases.js';
import type { TestServer } from './harness/server.js';
import { RawSmtp } from './harness/smtp-raw.js';
import { startWithAliceAndBob } from './harness/smtp-users.js';

// Request bodies must not cost the event loop that SMTP shares: an 18 MB body
// of 1.5 million keys once took 1.1–1.4 s of it to parse at the unauthenticated
// sign-in route (before its 422), and two clients looping it held EHLO answers
// back for seconds. Now a public route takes a few KB, an authenticated one 1 MB
// unless it needs more (the send API), large bodies are parsed on a thread of
// their own, and a body of too many values is refused there before it is parsed.

const databases = useDatabases();
const ALICE = 'alice@example.com';

/** `{"k0":0,"k1":0,…}`: 18 MB of 1.5 million keys. */
function wideBody(keys = 1_500_000): Buffer {
  const parts: string[] = [];
  for (let i = 0; i < keys; i++) parts.push(`"k${i}":0`);
  return Buffer.from(`{${parts.join(',')}}`);
}

/**
 * POSTs `body` on a connection of its own; resolves the status, or the socket
 * error when the server answered early and closed while the body was still
 * being sent (what it does with a Content-Length over the limit).
 */
function post(url: string, body: Buffer, headers: Record<string, string> = {}): Promise<number | string> {
  return new Promise((resolve) => {
    const u = new URL(url);
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': body.length, ...headers },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    req.end(body);
  });
}

describe('request bodies (SQLite)', () => {
  let server: TestServer;
  let jd: JdMail;
  let wide: Buffer;
  const aliceAuth = { authorization: `Basic ${Buffer.from(`${ALICE}:alice-password`).toString('base64')}` };

  beforeAll(async () => {
    ({ server } = await startWithAliceAndBob(await databases.fresh('sqlite')));
    jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
    wide = wideBody();
  }, 60_000);
  afterAll(() => server?.destroy());

  it('refuses a large body at sign-in at once, and reads none without credentials', async () => {
    expect(await post(`${server.baseUrl}/auth/login`, wide)).toBeOneOf([413, 'EPIPE', 'ECONNRESET']);
    const small = Buffer.from(JSON.stringify({ address: ALICE, password: 'x'.repeat(9000) }));
    expect(await post(`${server.baseUrl}/auth/login`, small)).toBe(413);
    // Not JSON at all: without credentials it is refused (401, or the connection closed while it
    // was being sent), never parsed (400) as it is with them.
    const admin = { authorization: `Bearer ${server.adminKey}` };
    const garbage = Buffer.alloc(900 * 1024, 'x');
    const users = `${server.baseUrl}/api/v1/users`;
    expect(await post(users, garbage)).toBeOneOf([401, 'EPIPE', 'ECONNRESET']);
    expect(await post(users, garbage, admin)).toBe(400);
    expect(await post(users, Buffer.alloc(26 * 1024 * 1024, 'x'))).toBeOneOf([401, 'EPIPE', 'ECONNRESET']);
    expect(await post(users, Buffer.alloc(2 * 1024 * 1024, 'x'), admin)).toBeOneOf([
      413,
      'EPIPE',
      'ECONNRESET',
    ]);
  });

  it('refuses a body of too many values at the send API (413) and takes a 20 MB one with an attachment', async () => {
    const send = `${server.baseUrl}/api/v1/users/${ALICE}/send`;
    expect(await post(send, wide, aliceAuth)).toBe(413);
    const file = Buffer.alloc(15 * 1024 * 1024, 'attachment ');
    const body = {
      to: [ALICE],
      subject: 'a large attachment',
      text: 'see attached',
      attachments: [{ filename: 'big.txt', content: file.toString('base64') }],
    };
    expect(await post(send, Buffer.from(JSON.stringify(body)), aliceAuth)).toBe(201);
    const [message] = (await jd.mail.list(ALICE, { limit: 1 })).items;
    expect(message).toMatchObject({ subject: 'a large attachment', hasAttachments: true });
  }, 60_000);

  it('answers SMTP within a moment while clients loop 18 MB bodies at sign-in and at the send API', async () => {
    let stop = false;
    const statuses = new Map<number | string, number>();
    const loop = async (url: string, headers?: Record<string, string>) => {
      while (!stop) {
        const status = await post(url, wide, headers);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    };
    const smtp = await RawSmtp.connect(server.smtpPort);
    await smtp.reply();
    const loops = [
      loop(`${server.baseUrl}/auth/login`),
      loop(`${server.baseUrl}/auth/login`),
      loop(`${server.baseUrl}/api/v1/users/${ALICE}/send`, aliceAuth),
    ];
    const roundTrips: number[] = [];
    const end = Date.now() + 8000;
    while (Date.now() < end) {
      const t = performance.now();
      expect((await smtp.command('EHLO probe.test')).code).toBe(250);
      roundTrips.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 50));
    }
    stop = true;
    await Promise.all(loops);
    smtp.close();
    roundTrips.sort((a, b) => a - b);
    const at = (q: number) => Math.round(roundTrips[Math.floor(q * (roundTrips.length - 1))] ?? 0);
    console.log(
      `EHLO round trips under body load: n=${roundTrips.length} p50=${at(0.5)} ms p95=${at(0.95)} ms max=${at(1)} ms;`,
      `answers ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    // Nothing but 413s (or the early close of one): no body was parsed to its end.
    expect([...statuses.keys()].every((s) => [413, 'EPIPE', 'ECONNRESET'].includes(s))).toBe(true);
    expect(statuses.get(413)).toBeGreaterThan(10);
    // Parsing one of these bodies on the event loop took over a second; 500 ms is generous.
    expect(at(1)).toBeLessThan(500);
  }, 60_000);
});
