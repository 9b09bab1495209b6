import { JdMail } from '@jdmail/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './harness/server.js';
import { WebClient } from './harness/web-client.js';

// The webmail's way in, against the real server: password sign-in sets the
// session cookie, the cookie authenticates /api/v1 as the user, CSRF guards
// state changes, sign-out ends it — and no secret reaches the log.
describe('web sessions (password sign-in)', () => {
  let server: TestServer;
  let jd: JdMail;

  beforeAll(async () => {
    server = await startServer({ env: { JDMAIL_SESSIONS_IDLE_SECONDS: '600' } });
    jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
    await jd.domains.create('example.com');
    await jd.users.create({ address: 'alice@example.com', password: 'alice-password', displayName: 'Alice' });
    await jd.mail.send('alice@example.com', {
      to: ['alice@example.com'],
      subject: 'Note to self',
      text: 'hi',
    });
  });
  afterAll(() => server?.destroy());

  it('signs in, reads the inbox with the cookie, is refused a change without X-CSRF-Token, signs out', async () => {
    const browser = new WebClient();
    const config = await browser.get(`${server.baseUrl}/auth/config`);
    expect(config.json()).toEqual({ passwordLogin: true, providers: [] });

    const wrong = await browser.postJson(`${server.baseUrl}/auth/login`, {
      address: 'alice@example.com',
      password: 'not-her-password',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('content-type')).toMatch(/^application\/problem\+json/);

    const login = await browser.postJson(`${server.baseUrl}/auth/login`, {
      address: 'alice@example.com',
      password: 'alice-password',
    });
    expect(login.status).toBe(200);
    const { csrfToken, user } = login.json<{ csrfToken: string; user: { displayName: string } }>();
    expect(user.displayName).toBe('Alice');
    expect(browser.cookie('jdmail_session')?.attributes).toMatch(/HttpOnly/);
    expect(browser.cookie('jdmail_session')?.attributes).toMatch(/SameSite=Lax/);
    expect(browser.cookie('jdmail_session')?.attributes).not.toMatch(/Secure/); // plain HTTP here

    const inbox = await browser.get(`${server.baseUrl}/api/v1/users/alice@example.com/messages?unread=true`);
    expect(inbox.status).toBe(200);
    const [message] = inbox.json<{ items: { id: string; subject: string }[] }>().items;
    expect(message?.subject).toBe('Note to self');

    const url = `${server.baseUrl}/api/v1/users/alice@example.com/messages/${message?.id}`;
    const forged = await browser.request(url, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ unread: false }),
    });
    expect(forged.status).toBe(403);
    expect(forged.json<{ code: string }>().code).toBe('CSRF_FAILED');
    expect((await jd.mail.unreadCount('alice@example.com')).unread).toBe(1);

    const marked = await browser.request(url, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
      body: JSON.stringify({ unread: false }),
    });
    expect(marked.status).toBe(200);
    expect((await jd.mail.unreadCount('alice@example.com')).unread).toBe(0);

    const sessions = (await fetch(`${server.baseUrl}/api/v1/users/alice@example.com/sessions`, {
      headers: { authorization: `Bearer ${server.adminKey}` },
    }).then((r) => r.json())) as { items: { method: string; userAgent: string }[] };
    expect(sessions.items).toEqual([
      expect.objectContaining({ method: 'password', userAgent: 'jdmail-e2e/1.0' }),
    ]);

    const out = await browser.request(`${server.baseUrl}/auth/logout`, {
      method: 'POST',
      headers: { 'x-csrf-token': csrfToken },
    });
    expect(out.json()).toEqual({ redirect: null });
    expect(browser.cookie('jdmail_session')).toBeUndefined();
    const after = await browser.get(`${server.baseUrl}/auth/session`);
    expect(after.status).toBe(401);

    const log = server.output.join('\n');
    expect(log).not.toContain('alice-password');
    expect(log).not.toContain(csrfToken);
  });

  it('rate-limits a guesser with 429 and Retry-After while the real user still gets in', async () => {
    const guesser = new WebClient({ localAddress: '127.0.0.3' });
    let res = await guesser.postJson(`${server.baseUrl}/auth/login`, {
      address: 'alice@example.com',
      password: 'guess-0',
    });
    for (let i = 1; i < 12 && res.status === 401; i++) {
      res = await guesser.postJson(`${server.baseUrl}/auth/login`, {
        address: 'alice@example.com',
        password: `guess-${i}`,
      });
    }
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    // Alice, on another machine (another loopback address), is not locked out by the stranger.
    const alice = new WebClient({ localAddress: '127.0.0.2' });
    const login = await alice.postJson(`${server.baseUrl}/auth/login`, {
      address: 'alice@example.com',
      password: 'alice-password',
    });
    expect(login.status).toBe(200);
  });
});
