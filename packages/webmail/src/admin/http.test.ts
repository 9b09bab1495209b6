import { describe, expect, it } from 'vitest';
import { ApiError, apiUrl, createHttp } from './http.js';

type Call = { url: string; method: string; headers: Record<string, string>; body: string | undefined };

function scripted(...answers: Response[]) {
  const calls: Call[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({
      url: String(input),
      method: init?.method ?? 'GET',
      headers: (init?.headers ?? {}) as Record<string, string>,
      body: init?.body as string | undefined,
    });
    const next = answers.shift();
    if (!next) throw new TypeError('Failed to fetch');
    return next;
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' },
  });

describe('console HTTP helper', () => {
  it('calls /api/v1 with JSON, the CSRF token on changes only, and leaves unset query values out', async () => {
    const { fetch, calls } = scripted(
      json(200, { items: [], nextCursor: null }),
      json(200, { id: 'u1' }),
      new Response(null, { status: 204 }),
    );
    let lost = 0;
    const http = createHttp({ fetch, csrfToken: () => 'tok-1', onSessionLost: () => lost++ });
    await http.get('/users', { domain: 'example.com', q: '', cursor: null, limit: 50 });
    expect(await http.patch('/users/a%40example.com', { quotaBytes: 0 })).toEqual({ id: 'u1' });
    expect(await http.del('/users/a%40example.com')).toBeUndefined();
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET /api/v1/users?domain=example.com&limit=50',
      'PATCH /api/v1/users/a%40example.com',
      'DELETE /api/v1/users/a%40example.com',
    ]);
    expect(calls[0]?.headers['x-csrf-token']).toBeUndefined();
    expect(calls[1]?.headers).toMatchObject({ 'x-csrf-token': 'tok-1', 'content-type': 'application/json' });
    expect(calls[1]?.body).toBe('{"quotaBytes":0}');
    expect(calls[2]?.headers['x-csrf-token']).toBe('tok-1');
    expect(lost).toBe(0);
  });

  it('turns problem+json into ApiError, and a lost session (401, CSRF refusal) into onSessionLost', async () => {
    const { fetch } = scripted(
      json(404, { code: 'USER_NOT_FOUND', detail: 'No such user' }),
      json(401, { code: 'UNAUTHENTICATED', detail: 'Not signed in' }),
      json(403, { code: 'CSRF_FAILED', detail: 'Send the token' }),
    );
    let lost = 0;
    const http = createHttp({ fetch, csrfToken: () => null, onSessionLost: () => lost++ });
    const notFound = await http.get('/users/x%40other.org').catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(ApiError);
    expect(notFound).toMatchObject({ status: 404, code: 'USER_NOT_FOUND', detail: 'No such user' });
    expect(lost).toBe(0);
    await expect(http.get('/domains')).rejects.toMatchObject({ status: 401 });
    expect(lost).toBe(1);
    await expect(http.post('/domains', { name: 'x.test' })).rejects.toMatchObject({ code: 'CSRF_FAILED' });
    expect(lost).toBe(2);
    await expect(http.get('/domains')).rejects.toMatchObject({ status: 0, code: 'NETWORK' });
  });

  it('keeps /auth paths as they are', () => {
    expect(apiUrl('/auth/session')).toBe('/auth/session');
    expect(apiUrl('/stats', { since: '2026-12-06T00:00:00.000Z' })).toBe(
      '/api/v1/stats?since=2026-12-06T00%3A00%3A00.000Z',
    );
  });
});
