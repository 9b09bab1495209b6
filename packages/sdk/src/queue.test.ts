import { describe, expect, it } from 'vitest';
import { JdMail, NotFoundError, RateLimitError } from './index.js';
import { json, problem, scriptedFetch } from './test-fetch.js';

const entry = (id: string) => ({
  id,
  queueMessageId: 'm1',
  domain: 'partner.example',
  state: 'deferred',
  attempts: 2,
  createdAt: '2026-01-01T00:00:00.000Z',
  nextAttemptAt: '2026-01-01T00:10:00.000Z',
  expiresAt: '2026-01-06T00:00:00.000Z',
  sender: 'alice@example.com',
  size: 1200,
  subject: 'Hello',
  headerMessageId: '<x@example.com>',
  lastError: {
    code: 451,
    enhanced: '4.3.0',
    response: '451 4.3.0 try later',
    at: '2026-01-01T00:05:00.000Z',
  },
  recipients: [
    { address: 'bob@partner.example', state: 'deferred', code: 451, response: '451 4.3.0 try later' },
  ],
});

const client = (fetch: typeof globalThis.fetch) =>
  new JdMail({ baseUrl: 'https://mail.example.com', token: 'jdk_test', fetch, maxRetries: 0 });

describe('jd.queue', () => {
  it('lists with filters across pages, gets, retries and deletes entries on their routes', async () => {
    const { fetch, calls } = scriptedFetch(
      json(200, { items: [entry('q1')], nextCursor: 'c2' }),
      json(200, { items: [entry('q2')], nextCursor: null }),
      json(200, entry('q/1')),
      json(200, entry('q1')),
      json(204, null),
      json(204, null),
    );
    const jd = client(fetch);
    const ids: string[] = [];
    for await (const e of jd.queue.list({ state: 'deferred', recipient: 'bob@partner.example' }))
      ids.push(e.id);
    expect(ids).toEqual(['q1', 'q2']);
    expect((await jd.queue.get('q/1')).id).toBe('q/1');
    expect((await jd.queue.retry('q1')).state).toBe('deferred');
    await jd.queue.delete('q1');
    await jd.queue.delete('q1', { bounce: true });
    expect(calls.map((c) => [c.method, c.url.pathname + c.url.search])).toEqual([
      ['GET', '/api/v1/queue?state=deferred&recipient=bob%40partner.example'],
      ['GET', '/api/v1/queue?state=deferred&recipient=bob%40partner.example&cursor=c2'],
      ['GET', '/api/v1/queue/q%2F1'],
      ['POST', '/api/v1/queue/q1/retry'],
      ['DELETE', '/api/v1/queue/q1'],
      ['DELETE', '/api/v1/queue/q1?bounce=true'],
    ]);
  });

  it('traces messages by recipient and time window', async () => {
    const hop = {
      at: '2026-01-01T10:05:00.000Z',
      event: 'delivered',
      messageId: '<x@example.com>',
      queueId: 'q1',
      sender: 'alice@example.com',
      recipient: 'bob@partner.example',
      detail: { code: 250, response: '250 ok', remoteHost: 'mx.partner.example', tls: true },
    };
    const { fetch, calls } = scriptedFetch(json(200, { items: [hop], nextCursor: null }));
    const page = await client(fetch).queue.trace({
      to: 'bob@partner.example',
      since: '2026-01-01T10:00:00Z',
    });
    expect(page.items[0]?.detail?.remoteHost).toBe('mx.partner.example');
    expect(calls[0]?.url.pathname).toBe('/api/v1/messages/trace');
    expect(Object.fromEntries(calls[0]?.url.searchParams ?? [])).toEqual({
      to: 'bob@partner.example',
      since: '2026-01-01T10:00:00Z',
    });
  });

  it('throws NotFoundError for an entry it may not see, and RateLimitError for a send over the limit', async () => {
    const { fetch } = scriptedFetch(
      problem(404, 'QUEUE_ENTRY_NOT_FOUND'),
      problem(429, 'SEND_RATE_LIMITED', {}, { 'retry-after': '1800' }),
    );
    const jd = client(fetch);
    await expect(jd.queue.get('other')).rejects.toBeInstanceOf(NotFoundError);
    const err = await jd.mail
      .send('alice@example.com', { to: ['x@partner.example'], subject: 's', text: 't' })
      .catch((e) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toMatchObject({ code: 'SEND_RATE_LIMITED', retryAfterMs: 1_800_000 });
  });
});

describe('jd.quarantine', () => {
  it('lists across pages, gets, releases, trains and deletes held messages on their routes', async () => {
    const held = (id: string) => ({
      id,
      domain: 'example.com',
      sender: 'x@spam.example',
      recipients: ['bob@example.com'],
      subject: 'Hi',
      headerMessageId: null,
      size: 10,
      score: 0.99,
      reasons: ['rules: hold'],
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    const { fetch, calls } = scriptedFetch(
      json(200, { items: [held('h1')], nextCursor: 'c2' }),
      json(200, { items: [held('h2')], nextCursor: null }),
      json(200, held('h/1')),
      json(200, { delivered: 1 }),
      json(200, { delivered: 0 }),
      json(204, null),
    );
    const jd = client(fetch);
    const ids: string[] = [];
    for await (const m of jd.quarantine.list({ domain: 'example.com' })) ids.push(m.id);
    expect(ids).toEqual(['h1', 'h2']);
    expect((await jd.quarantine.get('h/1')).id).toBe('h/1');
    expect((await jd.quarantine.release('h1')).delivered).toBe(1);
    expect((await jd.quarantine.train('h2', 'spam')).delivered).toBe(0);
    await jd.quarantine.delete('h1');
    expect(calls.map((c) => [c.method, c.url.pathname + c.url.search])).toEqual([
      ['GET', '/api/v1/quarantine?domain=example.com'],
      ['GET', '/api/v1/quarantine?domain=example.com&cursor=c2'],
      ['GET', '/api/v1/quarantine/h%2F1'],
      ['POST', '/api/v1/quarantine/h1/release'],
      ['POST', '/api/v1/quarantine/h2/train'],
      ['DELETE', '/api/v1/quarantine/h1'],
    ]);
    expect(calls[4]?.body).toEqual({ as: 'spam' });
  });
});
