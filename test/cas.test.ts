import { JdMail } from '@jdmail/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CasServer, startCasServer } from './harness/cas-server.js';
import { startServer, type TestServer } from './harness/server.js';
import { WebClient, type WebResponse } from './harness/web-client.js';

// CAS 3.0 sign-in against the real server and a CAS server fixture that
// follows the specification (tickets single-use, bound to their service).
describe('CAS sign-in', () => {
  let cas: CasServer;
  let server: TestServer;
  let base: string;

  beforeAll(async () => {
    cas = await startCasServer({
      accounts: [
        {
          username: 'jdoe',
          password: 'cas-pass',
          attributes: { mail: 'JDoe@Example.edu', memberOf: ['a', 'b'] },
        },
        { username: 'ghost', password: 'cas-pass', attributes: { mail: 'ghost@example.edu' } },
        { username: 'bob', password: 'cas-pass', attributes: { mail: 'bob@example.edu' } },
      ],
    });
    const providers = [
      { id: 'campus', name: 'Campus CAS', url: cas.url, userAttribute: 'mail' },
      { id: 'strict', name: 'Strict CAS', url: cas.url, renew: true, domain: 'example.edu', format: 'JSON' },
      { id: 'down', name: 'Down CAS', url: 'http://127.0.0.1:9/cas', domain: 'example.edu', timeoutMs: 500 },
    ];
    server = await startServer({ env: { JDMAIL_SSO_CAS: JSON.stringify(providers) } });
    base = server.baseUrl;
    const jd = new JdMail({ baseUrl: base, token: server.adminKey ?? '' });
    await jd.domains.create('example.edu');
    await jd.users.create({ address: 'jdoe@example.edu', displayName: 'J. Doe' }); // no password: SSO only
    await jd.users.create({ address: 'bob@example.edu' });
    await jd.users.disable('bob@example.edu');
    await jd.mail.send('jdoe@example.edu', { to: ['jdoe@example.edu'], subject: 'Welcome', text: 'hi' });
  });
  afterAll(async () => {
    await server?.destroy();
    await cas?.close();
  });

  /** Start → CAS form → credentials → back to jdmail's callback (not followed). */
  async function throughCasForm(browser: WebClient, provider: string, username: string, redirect = '/') {
    const start = await browser.get(
      `${base}/auth/cas/${provider}/start?redirect=${encodeURIComponent(redirect)}`,
    );
    expect(start.status).toBe(302);
    const form = await browser.get(start.location ?? '');
    expect(form.status).toBe(200);
    expect(form.text).toContain('name="password"');
    const service = new URL(start.location ?? '').searchParams.get('service') ?? '';
    const loggedIn = await browser.postForm(`${cas.url}/login`, { service, username, password: 'cas-pass' });
    expect(loggedIn.status).toBe(302);
    expect(loggedIn.location).toMatch(/[?&]ticket=ST-/);
    return { callback: loggedIn.location ?? '', service };
  }

  const session = (browser: WebClient) => browser.get(`${base}/auth/session`);

  it('lists each CAS server as a button on the login page', async () => {
    const config = (await new WebClient().get(`${base}/auth/config`)).json<{ providers: unknown[] }>();
    expect(config.providers).toEqual([
      { id: 'campus', name: 'Campus CAS', kind: 'cas', startUrl: '/auth/cas/campus/start' },
      { id: 'strict', name: 'Strict CAS', kind: 'cas', startUrl: '/auth/cas/strict/start' },
      { id: 'down', name: 'Down CAS', kind: 'cas', startUrl: '/auth/cas/down/start' },
    ]);
  });

  it('signs in through the CAS form, maps the mail attribute, lands on the requested page', async () => {
    const browser = new WebClient();
    const { callback, service } = await throughCasForm(browser, 'campus', 'jdoe', '/m/42');
    expect(service).toMatch(
      new RegExp(`^${base}/auth/cas/campus/callback\\?redirect=%2Fm%2F42&state=[\\w-]{43}$`),
    );

    const back = await browser.get(callback);
    expect(back.status).toBe(302);
    expect(back.location).toBe(`${base}/m/42`);
    expect(browser.cookie('jdmail_session')?.attributes).toMatch(/HttpOnly/);
    const me = await session(browser);
    expect(me.status).toBe(200);
    expect(me.json<{ user: { address: string } }>().user.address).toBe('jdoe@example.edu');
    expect(cas.validations.at(-1)).toMatchObject({ service, result: 'OK' });

    const inbox = await browser.get(`${base}/api/v1/users/jdoe@example.edu/messages?unread=true`);
    expect(inbox.json<{ items: { subject: string }[] }>().items.map((m) => m.subject)).toEqual(['Welcome']);
  });

  it('refuses a replayed ticket and a ticket presented for another service', async () => {
    const first = new WebClient();
    const { callback } = await throughCasForm(first, 'campus', 'jdoe');
    expect((await first.get(callback)).location).toBe(`${base}/`);

    // Even with the binding cookie (a thief who has it all), CAS validates a ticket only once.
    const replay = new WebClient();
    replay.setCookie(base, 'jdmail_cas', new URL(callback).searchParams.get('state') ?? '', '/auth/cas/');
    const again = await replay.get(callback);
    expect(again.location).toBe(`${base}/login?error=sso_failed`);
    expect(replay.cookie('jdmail_session')).toBeUndefined();
    expect(cas.validations.at(-1)?.result).toBe('INVALID_TICKET');

    // A fresh ticket, issued for the "/" service, carried to a callback URL of another landing page.
    const moved = new WebClient();
    const { callback: fresh } = await throughCasForm(moved, 'campus', 'jdoe');
    const elsewhere = new URL(fresh);
    elsewhere.searchParams.set('redirect', '/m/1');
    expect((await moved.get(elsewhere.toString())).location).toBe(`${base}/login?error=sso_failed`);
    expect(cas.validations.at(-1)?.result).toBe('INVALID_SERVICE');
    expect(moved.cookie('jdmail_session')).toBeUndefined();
  });

  it('refuses a callback URL opened in another browser than the one that started (login CSRF)', async () => {
    // The attacker signs in at CAS as themselves and sends the callback URL to a victim.
    const { callback } = await throughCasForm(new WebClient(), 'campus', 'jdoe');
    const asked = cas.validations.length;
    const victim = new WebClient();
    const res = await victim.get(callback);
    expect(res.location).toBe(`${base}/login?error=sso_failed`);
    expect(victim.cookie('jdmail_session')).toBeUndefined();
    expect(cas.validations.length).toBe(asked); // refused before the ticket went to CAS
  });

  it('uses the CAS single sign-on session, unless the provider demands renew', async () => {
    const browser = new WebClient();
    const { callback } = await throughCasForm(browser, 'campus', 'jdoe');
    await browser.get(callback);

    // Same browser, CAS cookie held: CAS answers with a ticket at once, no form.
    const start = await browser.get(`${base}/auth/cas/campus/start`);
    const sso = await browser.get(start.location ?? '');
    expect(sso.status).toBe(302);
    expect(sso.location).toMatch(/ticket=ST-/);
    expect((await browser.get(sso.location ?? '')).location).toBe(`${base}/`);

    // renew=true: the form again, and validation (JSON format here) insists on a fresh login.
    const strict = await browser.get(`${base}/auth/cas/strict/start`);
    expect(new URL(strict.location ?? '').searchParams.get('renew')).toBe('true');
    const form = await browser.get(strict.location ?? '');
    expect(form.text).toContain('name="password"');
    const { callback: renewed } = await throughCasForm(browser, 'strict', 'jdoe');
    expect((await browser.get(renewed)).location).toBe(`${base}/`);
    expect(cas.validations.at(-1)?.result).toBe('OK');
  });

  it('refuses users without an enabled mailbox, and starts no session', async () => {
    for (const who of ['ghost', 'bob']) {
      const browser = new WebClient();
      const { callback } = await throughCasForm(browser, 'campus', who);
      const back = await browser.get(callback);
      expect(back.location).toBe(`${base}/login?error=sso_failed`);
      expect(browser.cookie('jdmail_session')).toBeUndefined();
    }
  });

  it('ends the session when CAS sends a single-logout request (Appendix C)', async () => {
    const browser = new WebClient();
    const { callback } = await throughCasForm(browser, 'campus', 'jdoe');
    await browser.get(callback);
    expect((await session(browser)).status).toBe(200);
    const before = cas.logouts.length;

    await cas.logoutUser('jdoe');
    const sent = cas.logouts.slice(before);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((l) => l.status === 200)).toBe(true);
    expect((await session(browser)).status).toBe(401);
  });

  it('signs out of CAS too: logout answers the CAS /logout URL', async () => {
    const browser = new WebClient();
    const { callback } = await throughCasForm(browser, 'campus', 'jdoe');
    await browser.get(callback);
    const { csrfToken } = (await session(browser)).json<{ csrfToken: string }>();
    const out = await browser.postJson(`${base}/auth/logout`, {}, { 'x-csrf-token': csrfToken });
    const redirect = new URL(out.json<{ redirect: string }>().redirect);
    expect(`${redirect.origin}${redirect.pathname}`).toBe(`${cas.url}/logout`);
    expect(redirect.searchParams.get('service')).toBe(`${base}/login?error=signed_out`);
    expect((await session(browser)).status).toBe(401);
  });

  it('answers bad input clearly and treats an unreachable CAS server as a failed sign-in', async () => {
    const browser = new WebClient();
    const down = await browser.get(`${base}/auth/cas/down/callback?ticket=ST-1-abc`);
    expect(down.location).toBe(`${base}/login?error=sso_failed`);
    const noTicket: WebResponse = await browser.get(`${base}/auth/cas/campus/callback`);
    expect(noTicket.location).toBe(`${base}/login?error=sso_failed`);
    expect((await browser.get(`${base}/auth/cas/nope/start`)).status).toBe(404);
    const open = await browser.get(
      `${base}/auth/cas/campus/start?redirect=${encodeURIComponent('//evil.example')}`,
    );
    expect(open.status).toBe(422);
    const slo = await browser.postForm(`${base}/auth/cas/campus/callback`, { logoutRequest: '<not-saml/>' });
    expect(slo.status).toBe(400);
    expect(slo.headers.get('content-type')).toMatch(/problem\+json/);
  });
});
