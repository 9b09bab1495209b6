import { describe, expect, it } from 'vitest';
import { AuthenticationError, JdMail, RateLimitError } from './index.js';
import { json, problem } from './test-fetch.js';

const CLIENT_ID = 'jdc_0190abcdefgh12345678ijkl';
const SECRET = 'jds_s3cret+/=';

interface Seen {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/**
 * A fake jdmail: the token endpoint issues `tok1`, `tok2` … (each valid
 * until revoked), the API answers 200 to a valid token and 401 otherwise.
 * Token answers can be held back to make requests overlap.
 */
function fakeServer(options: { expiresIn?: number; tokenAnswers?: (() => Response | Error)[] } = {}) {
  const seen: Seen[] = [];
  const valid = new Set<string>();
  let issued = 0;
  let hold: Promise<void> = Promise.resolve();
  const fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input));
    const headers = { ...(init.headers as Record<string, string>) };
    seen.push({ url, method: init.method ?? 'GET', headers, body: init.body as string | undefined });
    if (url.pathname === '/api/v1/oauth/token') {
      await hold;
      const scripted = options.tokenAnswers?.shift();
      if (scripted) {
        const answer = scripted();
        if (answer instanceof Error) throw answer;
        return answer;
      }
      const token = `tok${++issued}`;
      valid.add(token);
      return json(200, {
        access_token: token,
        token_type: 'Bearer',
        expires_in: options.expiresIn ?? 600,
        scope: 'mail:read',
      });
    }
    const bearer = headers.authorization?.replace(/^Bearer /, '') ?? '';
    return valid.has(bearer) ? json(200, { id: 'm1', unread: 3 }) : problem(401, 'UNAUTHENTICATED');
  };
  return {
    fetch: fetch as typeof globalThis.fetch,
    seen,
    valid,
    tokenCalls: () => seen.filter((s) => s.url.pathname === '/api/v1/oauth/token'),
    apiCalls: () => seen.filter((s) => s.url.pathname !== '/api/v1/oauth/token'),
    holdTokens() {
      let release = () => {};
      hold = new Promise<void>((r) => {
        release = r;
      });
      return release;
    },
  };
}

function appClient(
  server: ReturnType<typeof fakeServer>,
  extra: { scopes?: string[]; now?: () => number; sleeps?: number[] } = {},
) {
  return new JdMail({
    baseUrl: 'https://mail.example.com/',
    clientId: CLIENT_ID,
    clientSecret: SECRET,
    scopes: extra.scopes,
    fetch: server.fetch,
    now: extra.now,
    sleep: async (ms) => {
      extra.sleeps?.push(ms);
    },
  });
}

describe('app tokens (client credentials)', () => {
  it('gets a token with client_secret_basic and a form body, then sends it as Bearer', async () => {
    const server = fakeServer();
    const jd = appClient(server, { scopes: ['mail:read', 'users:read'] });
    expect(await jd.mail.unreadCount('a@example.com')).toMatchObject({ unread: 3 });
    const [tokenCall] = server.tokenCalls();
    expect(tokenCall?.url.toString()).toBe('https://mail.example.com/api/v1/oauth/token');
    expect(tokenCall?.method).toBe('POST');
    expect(tokenCall?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    // RFC 6749 §2.3.1: id and secret form-urlencoded, then Basic.
    const basic = atob((tokenCall?.headers.authorization ?? '').replace(/^Basic /, ''));
    expect(basic).toBe(`${CLIENT_ID}:jds_s3cret%2B%2F%3D`);
    expect(Object.fromEntries(new URLSearchParams(tokenCall?.body))).toEqual({
      grant_type: 'client_credentials',
      scope: 'mail:read users:read',
    });
    expect(server.apiCalls()[0]?.headers.authorization).toBe('Bearer tok1');
  });

  it('reuses the token until shortly before it expires, then renews it', async () => {
    const server = fakeServer({ expiresIn: 600 });
    let now = 1_000_000;
    const jd = appClient(server, { now: () => now });
    await jd.mail.unreadCount('a@example.com');
    now += 539_999;
    await jd.mail.unreadCount('a@example.com');
    expect(server.tokenCalls()).toHaveLength(1);
    now += 1; // 60 s before expiry
    await jd.mail.unreadCount('a@example.com');
    expect(server.tokenCalls()).toHaveLength(2);
    expect(server.apiCalls().map((c) => c.headers.authorization)).toEqual([
      'Bearer tok1',
      'Bearer tok1',
      'Bearer tok2',
    ]);
  });

  it('renews short-lived tokens a fifth of their lifetime early', async () => {
    const server = fakeServer({ expiresIn: 60 });
    let now = 0;
    const jd = appClient(server, { now: () => now });
    await jd.mail.unreadCount('a@example.com');
    now = 47_999;
    await jd.mail.unreadCount('a@example.com');
    now = 48_000;
    await jd.mail.unreadCount('a@example.com');
    expect(server.tokenCalls()).toHaveLength(2);
  });

  it('makes one token request however many calls need a token at once', async () => {
    const server = fakeServer();
    const jd = appClient(server);
    const release = server.holdTokens();
    const calls = Array.from({ length: 5 }, () => jd.mail.unreadCount('a@example.com'));
    await new Promise((r) => setTimeout(r, 10));
    release();
    await Promise.all(calls);
    expect(server.tokenCalls()).toHaveLength(1);
    expect(new Set(server.apiCalls().map((c) => c.headers.authorization))).toEqual(new Set(['Bearer tok1']));
  });

  it('renews the token once when the server refuses it, also for a POST', async () => {
    const server = fakeServer();
    const jd = appClient(server);
    await jd.mail.unreadCount('a@example.com');
    server.valid.delete('tok1'); // e.g. the app's secret was rotated
    const sent = jd.mail.send('a@example.com', { to: ['b@example.com'], subject: 'hi', text: 'hi' });
    await expect(sent).resolves.toMatchObject({ id: 'm1' });
    expect(server.apiCalls().map((c) => [c.method, c.headers.authorization])).toEqual([
      ['GET', 'Bearer tok1'],
      ['POST', 'Bearer tok1'],
      ['POST', 'Bearer tok2'],
    ]);
  });

  it('renews once for several requests refused together', async () => {
    const server = fakeServer();
    const jd = appClient(server);
    await jd.mail.unreadCount('a@example.com');
    server.valid.delete('tok1');
    await Promise.all([1, 2, 3].map(() => jd.mail.unreadCount('a@example.com')));
    expect(server.tokenCalls()).toHaveLength(2);
  });

  it('gives up after one renewal when the new token is refused too', async () => {
    const server = fakeServer();
    const jd = appClient(server);
    server.valid.add = () => server.valid; // tokens are issued but never accepted
    const error = await jd.mail.unreadCount('a@example.com').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(server.tokenCalls()).toHaveLength(2);
    expect(server.apiCalls()).toHaveLength(2);
  });

  it('reports token endpoint errors by their OAuth code, without retrying bad credentials', async () => {
    const server = fakeServer({
      tokenAnswers: [
        () =>
          json(
            401,
            { error: 'invalid_client', error_description: 'Client authentication failed' },
            { 'www-authenticate': 'Basic' },
          ),
      ],
    });
    const error = await appClient(server)
      .mail.unreadCount('a@example.com')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({
      status: 401,
      code: 'invalid_client',
      detail: 'Client authentication failed',
    });
    expect(server.seen).toHaveLength(1);
  });

  it('waits and asks again when the token endpoint is busy or unreachable', async () => {
    const sleeps: number[] = [];
    const server = fakeServer({
      tokenAnswers: [
        () =>
          json(429, { error: 'temporarily_unavailable', error_description: 'wait' }, { 'retry-after': '2' }),
        () => new TypeError('fetch failed'),
      ],
    });
    await expect(appClient(server, { sleeps }).mail.unreadCount('a@example.com')).resolves.toMatchObject({
      unread: 3,
    });
    expect(sleeps[0]).toBe(2000);
    expect(sleeps).toHaveLength(2);
    expect(server.tokenCalls()).toHaveLength(3);
  });

  it('gives up on a busy token endpoint when it asks for too long a wait', async () => {
    const server = fakeServer({
      tokenAnswers: [() => json(429, { error: 'temporarily_unavailable' }, { 'retry-after': '60' })],
    });
    const error = await appClient(server)
      .mail.unreadCount('a@example.com')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ code: 'temporarily_unavailable', retryAfterMs: 60_000 });
  });

  it('refuses ambiguous or incomplete credentials', () => {
    const base = { baseUrl: 'https://x' };
    expect(() => new JdMail({ ...base, clientId: 'jdc_x', clientSecret: '' })).toThrow(/both required/);
    // @ts-expect-error: token and client credentials are exclusive
    expect(() => new JdMail({ ...base, token: 'jdk_x', clientId: 'jdc_x', clientSecret: 's' })).toThrow(
      /not both/,
    );
    // @ts-expect-error: some credentials are required
    expect(() => new JdMail({ ...base })).toThrow(/token \(or clientId and clientSecret\) is required/);
  });

  it('leaves API keys alone: a 401 is final', async () => {
    const server = fakeServer();
    const jd = new JdMail({ baseUrl: 'https://x', token: 'jdk_wrong', fetch: server.fetch });
    await expect(jd.mail.unreadCount('a@example.com')).rejects.toBeInstanceOf(AuthenticationError);
    expect(server.seen).toHaveLength(1);
  });
});
