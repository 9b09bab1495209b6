import { describe, expect, it } from 'vitest';
import { ApiError, createApi } from './client.js';

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

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const session = { user: { address: 'a@example.com', displayName: 'A' }, csrfToken: 'tok-1', expiresAt: 'x' };

describe('webmail API client', () => {
  it('sends the session’s CSRF token on changes only, and encodes the address', async () => {
    const { fetch, calls } = scripted(
      json(200, session),
      json(200, { items: [], nextCursor: null }),
      json(200, {}),
    );
    const api = createApi({ fetch, onSessionLost: () => {} });
    await api.session();
    await api.listMessages('a@example.com', { cursor: 'c/1', limit: 50 });
    await api.setUnread('a@example.com', 'm1', true);
    expect(calls[1]?.url).toBe('/api/v1/users/a%40example.com/messages?mailbox=INBOX&limit=50&cursor=c%2F1');
    expect(calls[1]?.headers['x-csrf-token']).toBeUndefined();
    expect(calls[2]).toMatchObject({ method: 'PATCH', body: '{"unread":true}' });
    expect(calls[2]?.headers['x-csrf-token']).toBe('tok-1');
  });

  it('reports a lost session (401 or CSRF refusal) on signed-in calls, not on sign-in', async () => {
    let lost = 0;
    const { fetch } = scripted(
      json(401, { code: 'UNAUTHENTICATED', detail: 'bad' }),
      json(401, { code: 'UNAUTHENTICATED', detail: 'gone' }),
      json(403, { code: 'CSRF_FAILED', detail: 'csrf' }),
    );
    const api = createApi({ fetch, onSessionLost: () => lost++ });
    await expect(api.login('a@example.com', 'x')).rejects.toMatchObject({ status: 401 });
    expect(lost).toBe(0);
    await expect(api.unreadCount('a@example.com')).rejects.toBeInstanceOf(ApiError);
    await expect(api.setUnread('a@example.com', 'm', false)).rejects.toMatchObject({ code: 'CSRF_FAILED' });
    expect(lost).toBe(2);
  });

  it('reads Retry-After and problem codes, and turns network failures into status 0', async () => {
    const { fetch } = scripted(
      json(429, { code: 'RATE_LIMITED', detail: 'slow down' }, { 'retry-after': '17' }),
      new Response('<html>bad gateway</html>', { status: 502 }),
    );
    const api = createApi({ fetch, onSessionLost: () => {} });
    await expect(api.login('a@example.com', 'x')).rejects.toMatchObject({
      status: 429,
      code: 'RATE_LIMITED',
      retryAfter: 17,
    });
    await expect(api.authConfig()).rejects.toMatchObject({ status: 502, code: 'HTTP_502' });
    await expect(api.authConfig()).rejects.toMatchObject({ status: 0, code: 'NETWORK' });
  });

  it('treats 401 from /auth/session as "no session"', async () => {
    const { fetch } = scripted(json(401, { code: 'UNAUTHENTICATED' }));
    expect(await createApi({ fetch, onSessionLost: () => {} }).session()).toBeNull();
  });
});
