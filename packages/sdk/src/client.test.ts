import { describe, expect, it } from 'vitest';
import { bytesToBase64 } from './base64.js';
import {
  AuthenticationError,
  ConflictError,
  ConnectionError,
  JdMail,
  JdMailError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ServerError,
  ValidationError,
} from './index.js';
import { json, problem, scriptedFetch } from './test-fetch.js';

const user = (address: string) => ({
  id: address,
  address,
  domain: 'example.com',
  displayName: '',
  enabled: true,
});

function client(
  fetch: typeof globalThis.fetch,
  extra: { maxRetries?: number; sleeps?: number[]; timeoutMs?: number } = {},
) {
  const sleeps = extra.sleeps ?? [];
  return new JdMail({
    baseUrl: 'https://mail.example.com/',
    token: 'jdk_test',
    fetch,
    maxRetries: extra.maxRetries,
    timeoutMs: extra.timeoutMs,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
}

describe('requests', () => {
  it('sends the key as a Bearer token and JSON bodies with their content type', async () => {
    const { fetch, calls } = scriptedFetch(json(201, user('a@example.com')));
    await client(fetch).users.create({ address: 'a@example.com', displayName: 'A' });
    expect(calls[0]?.url.toString()).toBe('https://mail.example.com/api/v1/users');
    expect(calls[0]?.headers).toMatchObject({
      authorization: 'Bearer jdk_test',
      'content-type': 'application/json',
    });
    expect(calls[0]?.body).toEqual({ address: 'a@example.com', displayName: 'A' });
  });

  it('lists the users of one role (the console admin rights page)', async () => {
    const { fetch, calls } = scriptedFetch(
      json(200, { items: [user('boss@example.com')], nextCursor: null }),
    );
    const admins = await client(fetch).users.list({ role: 'domain_admin', domain: 'example.com' }).toArray();
    expect(admins.map((u) => u.address)).toEqual(['boss@example.com']);
    expect(calls[0]?.url.searchParams.get('role')).toBe('domain_admin');
    expect(calls[0]?.url.searchParams.get('domain')).toBe('example.com');
  });

  it('URL-encodes addresses and ids in paths', async () => {
    const { fetch, calls } = scriptedFetch(json(200, user('a+b@example.com')), json(200, {}));
    await client(fetch).users.get('a+b/../x@example.com');
    expect(calls[0]?.url.pathname).toBe('/api/v1/users/a%2Bb%2F..%2Fx%40example.com');
    await client(fetch).mail.markRead('a@example.com', 'id/1');
    expect(calls[1]?.url.pathname).toBe('/api/v1/users/a%40example.com/messages/id%2F1');
    expect(calls[1]?.body).toEqual({ unread: false });
  });

  it('sends no Content-Type on body-less POSTs and returns undefined for 204', async () => {
    const { fetch, calls } = scriptedFetch(json(200, user('a@example.com')), json(204, null));
    await client(fetch).users.disable('a@example.com');
    expect(calls[0]?.headers['content-type']).toBeUndefined();
    await expect(client(fetch).users.delete('a@example.com')).resolves.toBeUndefined();
  });

  it('registers apps and rotates their secrets at the documented paths', async () => {
    const created = { app: { clientId: 'jdc_1' }, clientSecret: 'jds_x' };
    const { fetch, calls } = scriptedFetch(
      json(201, created),
      json(200, created),
      json(200, { items: [], nextCursor: null }),
    );
    const jd = client(fetch);
    await expect(
      jd.apps.create({ name: 'OA', scopes: ['mail:read'], domain: 'example.com' }),
    ).resolves.toEqual(created);
    expect(calls[0]).toMatchObject({
      method: 'POST',
      body: { name: 'OA', scopes: ['mail:read'], domain: 'example.com' },
    });
    await jd.apps.rotateSecret('jdc_1');
    expect(calls[1]?.url.pathname).toBe('/api/v1/apps/jdc_1/rotate-secret');
    await jd.apps.list({ limit: 10 });
    expect(calls[2]?.url.search).toBe('?limit=10');
  });

  it('returns the raw message as bytes', async () => {
    const { fetch, calls } = scriptedFetch(
      new Response('Subject: x\r\n\r\nhi', { headers: { 'content-type': 'message/rfc822' } }),
    );
    const bytes = await client(fetch).mail.raw('a@example.com', 'm1');
    expect(new TextDecoder().decode(bytes)).toBe('Subject: x\r\n\r\nhi');
    expect(calls[0]?.headers.accept).toBe('message/rfc822');
  });

  it('downloads an attachment with its type and RFC 8187 file name', async () => {
    const { fetch, calls } = scriptedFetch(
      new Response('Grüße', {
        headers: {
          'content-type': 'text/plain; charset=utf-8',
          'content-disposition': `attachment; filename="Gr??e.txt"; filename*=UTF-8''Gr%C3%BC%C3%9Fe.txt`,
        },
      }),
    );
    const a = await client(fetch).mail.attachment('a@example.com', 'm1', '1.2');
    expect(a).toMatchObject({ contentType: 'text/plain; charset=utf-8', filename: 'Grüße.txt' });
    expect(new TextDecoder().decode(a.content)).toBe('Grüße');
    expect(calls[0]?.url.pathname).toBe('/api/v1/users/a%40example.com/messages/m1/attachments/1.2');
  });

  it('creates a login link with the user, redirect and lifetime in the body', async () => {
    const link = { url: 'https://mail.example.com/auth/link/abc', expiresAt: '2030-01-01T00:00:00.000Z' };
    const { fetch, calls } = scriptedFetch(json(201, link), json(200, { items: [] }));
    await expect(
      client(fetch).sso.createLoginLink('alice@example.com', { redirect: '/m/1', ttlSeconds: 120 }),
    ).resolves.toEqual(link);
    expect(calls[0]?.method).toBe('POST');
    expect(calls[0]?.url.pathname).toBe('/api/v1/sso/login-links');
    expect(calls[0]?.body).toEqual({ user: 'alice@example.com', redirect: '/m/1', ttlSeconds: 120 });
    await expect(client(fetch).sso.listSessions('a+b@example.com')).resolves.toEqual([]);
    expect(calls[1]?.url.pathname).toBe('/api/v1/users/a%2Bb%40example.com/sessions');
  });

  it('does not retry a refused login link (422 is final) and reports the field', async () => {
    const { fetch, calls } = scriptedFetch(
      problem(422, 'VALIDATION_FAILED', {
        errors: [{ field: 'redirect', message: 'must stay on this webmail' }],
      }),
    );
    const error = await client(fetch)
      .sso.createLoginLink('alice@example.com', { redirect: '//evil.example' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.errors).toEqual([{ field: 'redirect', message: 'must stay on this webmail' }]);
    expect(calls).toHaveLength(1);
  });
});

/** Node's Buffer, typed here: the SDK is typed without Node's types, as a browser library. */
type NodeBytes = Uint8Array & { toString(encoding: 'base64'): string; equals(other: Uint8Array): boolean };
const Buffer = (
  globalThis as unknown as { Buffer: { from(data: Uint8Array | string, encoding?: 'base64'): NodeBytes } }
).Buffer;

describe('mail.send attachments', () => {
  it('base64-encodes bytes given as Uint8Array, Buffer, ArrayBuffer or Blob, and passes base64 strings through', async () => {
    const { fetch, calls } = scriptedFetch(json(201, { id: 'm1', messageId: '<m1@x>' }));
    const bytes = new Uint8Array([0, 1, 2, 250, 251, 252, 253, 254, 255]);
    const big = new Uint8Array(200_000).map((_, i) => i % 256); // beyond one argument list per byte
    const result = await client(fetch).mail.send('a@example.com', {
      to: ['b@example.com'],
      subject: 'files',
      attachments: [
        { filename: 'a.bin', content: bytes },
        { filename: 'b.bin', content: Buffer.from(bytes) },
        { filename: 'c.bin', content: bytes.slice().buffer },
        { filename: 'd.pdf', contentType: 'application/pdf', content: new Blob([bytes]) },
        { filename: 'e.bin', content: 'AAEC+vv8/f7/' },
        { filename: 'big.bin', content: big },
      ],
    });
    expect(result).toEqual({ id: 'm1', messageId: '<m1@x>' });
    const sent = ((calls[0]?.body ?? {}) as { attachments: { filename: string; content: string }[] })
      .attachments;
    expect(sent.slice(0, 5).map((a) => a.content)).toEqual(Array(5).fill('AAEC+vv8/f7/'));
    expect(sent[3]).toMatchObject({ filename: 'd.pdf', contentType: 'application/pdf' });
    expect(Buffer.from(sent[5]?.content ?? '', 'base64').equals(Buffer.from(big))).toBe(true);
  });

  it('encodes without Node’s Buffer, as in a browser', () => {
    const big = new Uint8Array(100_000).map((_, i) => (i * 7) % 256);
    for (const bytes of [new Uint8Array(0), new Uint8Array([255]), new Uint8Array([1, 2]), big]) {
      expect(bytesToBase64(bytes, null)).toBe(Buffer.from(bytes).toString('base64'));
    }
  });
});

describe('errors', () => {
  it.each([
    [401, 'UNAUTHENTICATED', AuthenticationError, 'authentication'],
    [403, 'INSUFFICIENT_SCOPE', PermissionError, 'permission'],
    [404, 'USER_NOT_FOUND', NotFoundError, 'not_found'],
    [409, 'ADDRESS_TAKEN', ConflictError, 'conflict'],
    [422, 'VALIDATION_FAILED', ValidationError, 'validation'],
    [500, 'INTERNAL', ServerError, 'server'],
  ])('maps %i %s to its class', async (status, code, Class, kind) => {
    const { fetch } = scriptedFetch(
      problem(status, code, { errors: [{ field: 'address', message: 'bad' }] }),
    );
    const error = await client(fetch)
      .users.get('a@example.com')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Class);
    expect(error).toBeInstanceOf(JdMailError);
    expect(error).toMatchObject({
      status,
      code,
      kind,
      detail: `${code} detail`,
      errors: [{ field: 'address', message: 'bad' }],
    });
  });

  it('copes with an error body that is not a problem', async () => {
    const { fetch } = scriptedFetch(new Response('<html>bad gateway</html>', { status: 502 }));
    const error = await client(fetch, { maxRetries: 0 })
      .domains.get('x.com')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'server', status: 502, code: 'HTTP_502' });
  });
});

describe('retries', () => {
  it('retries 429 and 503, waiting as long as Retry-After says (seconds or HTTP date)', async () => {
    const date = new Date(Date.now() + 3000).toUTCString();
    const sleeps: number[] = [];
    const { fetch, calls } = scriptedFetch(
      problem(429, 'RATE_LIMITED', {}, { 'retry-after': '2' }),
      problem(503, 'UNAVAILABLE', {}, { 'retry-after': date }),
      json(200, { unread: 1, total: 2 }),
    );
    await expect(client(fetch, { sleeps }).mail.unreadCount('a@example.com')).resolves.toEqual({
      unread: 1,
      total: 2,
    });
    expect(calls).toHaveLength(3);
    expect(sleeps[0]).toBe(2000);
    expect(sleeps[1]).toBeGreaterThan(1000);
    expect(sleeps[1]).toBeLessThanOrEqual(3000);
  });

  it('stops after maxRetries and throws the typed error with retryAfterMs', async () => {
    const sleeps: number[] = [];
    const { fetch, calls } = scriptedFetch(
      ...Array.from({ length: 3 }, () => problem(429, 'RATE_LIMITED', {}, { 'retry-after': '1' })),
    );
    const error = await client(fetch, { maxRetries: 2, sleeps })
      .users.create({ address: 'a@example.com' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(1000);
    expect(calls).toHaveLength(3);
    expect(sleeps).toEqual([1000, 1000]);
  });

  it('uses capped full-jitter backoff when there is no Retry-After', async () => {
    const sleeps: number[] = [];
    const { fetch } = scriptedFetch(
      problem(503, 'UNAVAILABLE'),
      problem(503, 'UNAVAILABLE'),
      json(200, user('a@example.com')),
    );
    await client(fetch, { sleeps }).users.get('a@example.com');
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeLessThan(500);
    expect(sleeps[1]).toBeLessThan(1000);
  });

  it('does not wait longer than the cap: a long Retry-After fails at once', async () => {
    const { fetch, calls } = scriptedFetch(problem(429, 'RATE_LIMITED', {}, { 'retry-after': '3600' }));
    await expect(client(fetch).domains.get('x.com')).rejects.toBeInstanceOf(RateLimitError);
    expect(calls).toHaveLength(1);
  });

  it('retries network errors of idempotent requests only', async () => {
    const get = scriptedFetch(new TypeError('fetch failed'), json(200, user('a@example.com')));
    await expect(client(get.fetch).users.get('a@example.com')).resolves.toMatchObject({
      address: 'a@example.com',
    });
    const post = scriptedFetch(new TypeError('fetch failed'));
    const error = await client(post.fetch)
      .users.create({ address: 'b@example.com' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ kind: 'connection', status: 0, code: 'NETWORK_ERROR' });
    expect(post.calls).toHaveLength(1);
  });

  it('retries a send with its Idempotency-Key after a network error and while the first attempt runs', async () => {
    const sent = () => json(201, { id: 'm1', messageId: '<m1@x>' });
    const { fetch, calls } = scriptedFetch(
      new TypeError('fetch failed'),
      problem(409, 'IDEMPOTENCY_KEY_IN_USE'),
      sent(),
    );
    const result = await client(fetch, { maxRetries: 3 }).mail.send('a@example.com', {
      to: ['b@example.com'],
      subject: 'x',
    });
    expect(result).toEqual({ id: 'm1', messageId: '<m1@x>' });
    const keys = calls.map((c) => (c.headers as Record<string, string>)['idempotency-key']);
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(keys).size).toBe(1);

    // Each send has a key of its own, unless the caller names one.
    const two = scriptedFetch(sent(), sent());
    await client(two.fetch).mail.send('a@example.com', { to: ['b@example.com'], subject: 'x' });
    await client(two.fetch).mail.send(
      'a@example.com',
      { to: ['b@example.com'], subject: 'x' },
      { idempotencyKey: 'leave-42' },
    );
    const [first, second] = two.calls.map((c) => (c.headers as Record<string, string>)['idempotency-key']);
    expect(first).not.toBe(keys[0]);
    expect(second).toBe('leave-42');

    // Another request under a used key is not retried: it cannot succeed.
    const reused = scriptedFetch(problem(422, 'IDEMPOTENCY_KEY_REUSED'));
    await expect(
      client(reused.fetch).mail.send(
        'a@example.com',
        { to: ['b@example.com'], subject: 'y' },
        { idempotencyKey: 'leave-42' },
      ),
    ).rejects.toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(reused.calls).toHaveLength(1);
  });

  it('does not retry other client errors', async () => {
    const { fetch, calls } = scriptedFetch(problem(404, 'USER_NOT_FOUND'));
    await expect(client(fetch).users.get('a@example.com')).rejects.toBeInstanceOf(NotFoundError);
    expect(calls).toHaveLength(1);
  });

  it('times out a hanging request', async () => {
    const hang = (call: unknown) =>
      new Promise<Response>((_resolve, reject) => {
        const signal = (call as { signal?: AbortSignal }).signal;
        signal?.addEventListener('abort', () => reject(new Error('aborted')));
      });
    const fetch = ((_url: string, init: RequestInit) => hang(init)) as unknown as typeof globalThis.fetch;
    const error = await client(fetch, { timeoutMs: 20, maxRetries: 0 })
      .users.get('a@example.com')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'connection', code: 'TIMEOUT' });
  });
});

describe('users.createMany', () => {
  it('sends 1,000 rows per request, one request at a time, and numbers the results as given', async () => {
    const answer = (n: number) => (call: { body: unknown }) => {
      const rows = (call.body as { users: { address: string }[]; skipExisting?: boolean }).users;
      expect(rows).toHaveLength(n);
      return json(200, {
        created: n - 1,
        exists: 0,
        failed: 1,
        results: rows.map((r, index) =>
          index === 0
            ? {
                index,
                address: r.address,
                status: 'failed',
                error: { status: 422, code: 'VALIDATION_FAILED', detail: 'x' },
              }
            : { index, address: r.address, status: 'created', user: user(r.address) },
        ),
      });
    };
    const { fetch, calls } = scriptedFetch(answer(1000), answer(1000), answer(500));
    const inputs = Array.from({ length: 2500 }, (_, i) => ({ address: `u${i}@example.com` }));
    const out = await client(fetch).users.createMany(inputs, { skipExisting: true });
    expect(calls.map((c) => [c.method, c.url.pathname])).toEqual([
      ['POST', '/api/v1/users:batch'],
      ['POST', '/api/v1/users:batch'],
      ['POST', '/api/v1/users:batch'],
    ]);
    expect(calls[0]?.body).toMatchObject({ skipExisting: true });
    expect([out.created, out.exists, out.failed]).toEqual([2497, 0, 3]);
    expect(out.results).toHaveLength(2500);
    expect(out.results.filter((r) => r.status === 'failed').map((r) => [r.index, r.address])).toEqual([
      [0, 'u0@example.com'],
      [1000, 'u1000@example.com'],
      [2000, 'u2000@example.com'],
    ]);
  });
});

describe('unread counts', () => {
  it('answers per address, in the order asked, one bad row failing nothing', async () => {
    const results = [
      { address: 'A@example.com', canonical: 'a@example.com', status: 'ok', unread: 3 },
      { address: 'nope', canonical: null, status: 'invalid', unread: null },
    ];
    const { fetch, calls } = scriptedFetch(json(200, { counts: { 'a@example.com': 3 }, results }));
    expect(await client(fetch).mail.unreadCountResults(['A@example.com', 'nope'])).toEqual(results);
    expect(calls[0]?.body).toEqual({ users: ['A@example.com', 'nope'] });
  });
});

describe('pagination', () => {
  const page = (ids: string[], nextCursor: string | null) =>
    json(200, { items: ids.map((id) => ({ id })), nextCursor });

  it('awaits to the first page', async () => {
    const { fetch, calls } = scriptedFetch(page(['1', '2'], 'c1'));
    const first = await client(fetch).mail.listUnread('a@example.com', { limit: 2 });
    expect(first).toEqual({ items: [{ id: '1' }, { id: '2' }], nextCursor: 'c1' });
    expect(Object.fromEntries(calls[0]?.url.searchParams ?? [])).toEqual({ unread: 'true', limit: '2' });
  });

  it('walks every page with for await, following nextCursor', async () => {
    const { fetch, calls } = scriptedFetch(page(['1', '2'], 'c1'), page(['3'], 'c2'), page([], null));
    const seen: string[] = [];
    for await (const m of client(fetch).mail.listUnread('a@example.com')) seen.push(m.id);
    expect(seen).toEqual(['1', '2', '3']);
    expect(calls.map((c) => c.url.searchParams.get('cursor'))).toEqual([null, 'c1', 'c2']);
  });

  it('has .catch and .finally like a promise, on the first page, fetched once', async () => {
    const { fetch, calls } = scriptedFetch(problem(404, 'USER_NOT_FOUND'));
    const list = client(fetch, { maxRetries: 0 }).mail.listUnread('nobody@example.com');
    let finallyRan = false;
    const caught = await list
      .catch((err: unknown) => err)
      .finally(() => {
        finallyRan = true;
      });
    expect(caught).toBeInstanceOf(NotFoundError);
    expect(finallyRan).toBe(true);
    const { fetch: ok } = scriptedFetch(page(['1'], null));
    let done = 0;
    const first = await client(ok)
      .users.list()
      .finally(() => {
        done += 1;
      });
    expect(first.items).toEqual([{ id: '1' }]);
    expect(done).toBe(1);
    expect(calls).toHaveLength(1);
  });

  it('stops fetching when the consumer stops', async () => {
    const { fetch, calls } = scriptedFetch(page(['1', '2'], 'c1'), page(['3'], null));
    expect(await client(fetch).users.list().toArray(2)).toHaveLength(2);
    expect(calls).toHaveLength(1);
  });
});
