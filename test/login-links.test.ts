import { JdMail, ValidationError } from '@jdmail/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logUntil, runCli, startServer, type TestServer } from './harness/server.js';
import { WebClient } from './harness/web-client.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// One-click login links against the real server, as a portal uses them: an
// sso:issue key makes a link with the SDK, the employee's browser opens it.
describe('login links', () => {
  let server: TestServer;
  let admin: JdMail;
  let portal: JdMail;

  beforeAll(async () => {
    server = await startServer();
    admin = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
    await admin.domains.create('example.com');
    await admin.domains.create('other.org');
    for (const address of ['alice@example.com', 'bob@example.com', 'carol@example.com']) {
      await admin.users.create({ address, password: `${address}-pw`, displayName: address.split('@')[0] });
    }
    await admin.users.create({ address: 'olga@other.org' });
    const key = await runCli(
      ['apikey', 'create', '--name', 'portal', '--scopes', 'sso:issue', '--domain', 'example.com'],
      { JDMAIL_DATA_DIR: server.dataDir },
    );
    portal = new JdMail({ baseUrl: server.baseUrl, token: key.trim() });
  });
  afterAll(() => server?.destroy());

  const inbox = (browser: WebClient, user: string) =>
    browser.get(`${server.baseUrl}/api/v1/users/${user}/messages`);

  it('works once: the browser lands signed in, a replay lands on the login page without a session', async () => {
    const { url, expiresAt } = await portal.sso.createLoginLink('alice@example.com', { redirect: '/m/0001' });
    expect(url.startsWith(`${server.baseUrl}/auth/link/`)).toBe(true);
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(60_000);

    const employee = new WebClient();
    const landed = await employee.get(url);
    expect(landed.status).toBe(302);
    expect(landed.location).toBe(`${server.baseUrl}/m/0001`);
    expect((await inbox(employee, 'alice@example.com')).status).toBe(200);
    const session = await employee.get(`${server.baseUrl}/auth/session`);
    expect(session.json<{ user: { address: string } }>().user.address).toBe('alice@example.com');

    const attacker = new WebClient();
    const replay = await attacker.get(url);
    expect(replay.status).toBe(302);
    expect(replay.location).toBe(`${server.baseUrl}/login?error=link_invalid`);
    expect(attacker.cookie('jdmail_session')).toBeUndefined();
    expect((await inbox(attacker, 'alice@example.com')).status).toBe(401);

    const token = url.split('/').pop() as string;
    const log = await logUntil(server, /"audit":"login_link.use".*"result":"used"/);
    expect(log).not.toContain(token);
    expect(log).toMatch(/"audit":"login_link.issue".*"subject":"alice@example.com"/);
    expect(log).toMatch(/"audit":"login_link.use".*"result":"used"/);
  });

  it('refuses an expired link', async () => {
    const { url } = await portal.sso.createLoginLink('bob@example.com', { ttlSeconds: 1 });
    await sleep(1200);
    const browser = new WebClient();
    const res = await browser.get(url);
    expect(res.location).toBe(`${server.baseUrl}/login?error=link_invalid`);
    expect(browser.cookie('jdmail_session')).toBeUndefined();
  });

  it('refuses a link of a user disabled after it was issued', async () => {
    const { url } = await portal.sso.createLoginLink('carol@example.com');
    await admin.users.disable('carol@example.com');
    const res = await new WebClient().get(url);
    expect(res.location).toBe(`${server.baseUrl}/login?error=link_invalid`);
    await admin.users.enable('carol@example.com');
  });

  it('refuses a link of a user whose password changed after it was issued', async () => {
    const { url } = await portal.sso.createLoginLink('bob@example.com');
    await admin.users.update('bob@example.com', { password: 'a-brand-new-password' });
    const browser = new WebClient();
    expect((await browser.get(url)).location).toBe(`${server.baseUrl}/login?error=link_invalid`);
    expect(browser.cookie('jdmail_session')).toBeUndefined();
  });

  it('refuses a foreign redirect with 422, and another domain’s user with 404', async () => {
    for (const redirect of [
      'https://evil.example/login',
      '//evil.example',
      '/\\evil.example',
      '/api/v1/domains',
    ]) {
      const error = await portal.sso.createLoginLink('alice@example.com', { redirect }).catch((e) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.status).toBe(422);
      expect(error.errors[0].field).toBe('redirect');
    }
    const hidden = await portal.sso.createLoginLink('olga@other.org').catch((e) => e);
    expect(hidden.status).toBe(404);
  });
});
