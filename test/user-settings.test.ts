import { JdMail } from '@jdmail/sdk';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from './harness/databases.js';
import { rawImap } from './harness/imap-clients.js';
import { startServer, type TestServer } from './harness/server.js';
import { startTestMta, type TestMta } from './harness/test-mta.js';
import { startUnbound, type Unbound, zonesOf } from './harness/unbound.js';
import { WebClient } from './harness/web-client.js';

// A user's own settings end to end (issue 21): the settings API for the user,
// their admin and another domain's admin; auto-replies (RFC 3834) to local
// senders and, through the outbound queue, to a remote one (a test MTA that
// unbound names as remote.test's MX); forwarding, local and remote, without
// a copy, in a loop, to nowhere; the own password change and "end other
// sessions" over the web, IMAP included. Both engines.

const databases = useDatabases();
const PASS = 'user-password-1';
/** Generous: the queue polls every half second; the machine may be loaded. */
const WITHIN_MS = 30_000;

/** Polls until `probe` gives something truthy. */
async function eventually<T>(probe: () => Promise<T | undefined | false>, what: string, ms = WITHIN_MS) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A message as a mail client writes it, with extra header lines on top. */
const message = (n: string, from: string, to: string, extra = '') =>
  `${extra}From: <${from}>\r\nTo: <${to}>\r\nSubject: ${n}\r\nMessage-ID: <${n}@test>\r\nDate: Mon, 1 Jun 2026 10:00:00 +0000\r\n\r\nbody of ${n}\r\n`;

let dns: Unbound;
let mta: TestMta;
beforeAll(async () => {
  dns = await startUnbound(
    zonesOf(
      ['remote.test'],
      ['remote.test. 300 IN MX 10 mx.remote.test.', 'mx.remote.test. 300 IN A 127.0.0.5'],
    ),
  );
  mta = await startTestMta({ host: '127.0.0.5' });
  // Each engine's run writes to its own remote domain, so the one test MTA's records tell them apart.
  for (const e of databases.engines) await dns.addRecord(`${e}.remote.test. 300 IN MX 10 mx.remote.test.`);
}, 60_000);
afterAll(async () => {
  await mta?.stop();
  await dns?.stop();
});

describe.each(databases.engines)('user settings on %s', (engine) => {
  let server: TestServer;
  let jd: JdMail;
  const basic = (user: string, pass = PASS) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  const api = async (path: string, auth: string, init: { method?: string; body?: unknown } = {}) => {
    const res = await fetch(`${server.baseUrl}/api/v1${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: auth,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return { status: res.status, json: (await res.json().catch(() => null)) as Record<string, unknown> };
  };
  /** Sends `raw` to the MX with the envelope given; resolves once it is stored (and its follow-ups done). */
  const mx = async (from: string, to: string[], raw: string) => {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: server.smtpPort, ignoreTLS: true });
    try {
      await t.sendMail({ envelope: { from, to }, raw });
    } finally {
      t.close();
    }
  };
  /** An address of this engine's remote domain. */
  const remote = (local: string) => `${local}@${engine}.remote.test`;
  const subjects = async (user: string, mailbox = 'INBOX') =>
    (await jd.mail.list(user, { mailbox, limit: 200 }).toArray()).map((m) => m.subject).sort();
  const remoteGot = (rcpt: string) => mta.received.filter((m) => m.rcptTo.includes(rcpt));
  const queueEmpty = () =>
    eventually(async () => (await jd.queue.list({ limit: 10 })).items.length === 0, 'an empty queue');

  beforeAll(async () => {
    const db = await databases.fresh(engine);
    server = await startServer({
      databaseUrl: db.databaseUrl,
      env: {
        JDMAIL_HOSTNAME: 'mx.a.test',
        JDMAIL_DNS_SERVERS: JSON.stringify([dns.server]),
        JDMAIL_OUTBOUND_PORT: String(mta.port),
        JDMAIL_QUEUE_POLL_SECONDS: '0.5',
      },
    });
    jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '', maxRetries: 0 });
    await jd.domains.create('a.test');
    await jd.domains.create('b.test');
    for (const u of ['alice', 'bob', 'dave', 'erin', 'frank', 'gina', 'hank', 'ivy']) {
      await jd.users.create({
        address: `${u}@a.test`,
        password: PASS,
        displayName: u,
        ...(u === 'alice' ? { aliases: ['ali@a.test'] } : {}),
      });
    }
    await jd.users.create({
      address: 'adm@a.test',
      password: PASS,
      role: 'domain_admin',
      adminDomains: ['a.test'],
    });
    await jd.users.create({
      address: 'boss@b.test',
      password: PASS,
      role: 'domain_admin',
      adminDomains: ['b.test'],
    });
  }, 120_000);
  afterAll(() => server?.destroy());

  it('the user and their domain’s admin read and change the settings; another domain’s admin gets 404', async () => {
    const mine = await api('/users/alice@a.test/settings', basic('alice@a.test'));
    expect(mine.status).toBe(200);
    expect(mine.json).toMatchObject({
      displayName: 'alice',
      language: null,
      vacation: { enabled: false, days: 7 },
      forwarding: { enabled: false, to: [], keepCopy: true },
      canChangePassword: true,
    });
    const changed = await api('/users/alice@a.test/settings', basic('alice@a.test'), {
      method: 'PATCH',
      body: {
        displayName: '张三',
        language: 'zh-CN',
        signature: { text: '张三\n销售部', html: '<p>张三<script>alert(1)</script> <b>销售部</b></p>' },
      },
    });
    expect(changed.status, JSON.stringify(changed.json)).toBe(200);
    expect(changed.json).toMatchObject({
      displayName: '张三',
      language: 'zh-CN',
      signature: { text: '张三\n销售部', html: '<p>张三 <b>销售部</b></p>' },
    });
    expect((await jd.users.get('alice@a.test')).displayName).toBe('张三');
    // Her domain's admin changes one field; the others stay.
    const byAdmin = await api('/users/alice@a.test/settings', basic('adm@a.test'), {
      method: 'PATCH',
      body: { language: 'en' },
    });
    expect(byAdmin.json).toMatchObject({ language: 'en', signature: { text: '张三\n销售部' } });
    // Another domain's admin cannot tell she exists; nor can another user of hers.
    for (const method of ['GET', 'PATCH']) {
      const body = method === 'PATCH' ? { language: 'en' } : undefined;
      const hidden = await api('/users/alice@a.test/settings', basic('boss@b.test'), { method, body });
      expect([hidden.status, hidden.json.code]).toEqual([404, 'USER_NOT_FOUND']);
      const other = await api('/users/alice@a.test/settings', basic('bob@a.test'), { method, body });
      expect([other.status, other.json.code]).toEqual([404, 'USER_NOT_FOUND']);
    }
    expect((await jd.settings.get('alice@a.test')).language).toBe('en');
  });

  it('refuses bad values with the field named, and changes nothing', async () => {
    const bad = async (body: unknown) => {
      const res = await api('/users/alice@a.test/settings', basic('alice@a.test'), { method: 'PATCH', body });
      expect(res.status).toBe(422);
      return (res.json.errors as { field: string }[]).map((e) => e.field);
    };
    expect(await bad({ forwarding: { enabled: true, to: ['ali@a.test'] } })).toEqual(['forwarding.to[0]']);
    expect(await bad({ forwarding: { to: ['not an address'] } })).toEqual(['forwarding.to[0]']);
    expect(await bad({ vacation: { days: 0 } })).toEqual(['vacation.days']);
    expect(await bad({ vacation: { enabled: true, text: '' } })).toEqual(['vacation.text']);
    expect(await bad({ language: 'fr' })).toEqual(['language']);
    expect(await bad({ vacation: { startsAt: 'soon' } })).toEqual(['vacation.startsAt']);
    const now = await jd.settings.get('alice@a.test');
    expect(now.forwarding).toEqual({ enabled: false, to: [], keepCopy: true });
    expect(now.vacation.enabled).toBe(false);
  });

  it('auto-replies once per sender, with the null return path, to a local sender and through the queue to a remote one', async () => {
    await jd.settings.update('alice@a.test', {
      vacation: { enabled: true, subject: '', text: '我在休假，6 月 8 日回来。', days: 7 },
    });
    await mx('bob@a.test', ['alice@a.test'], message('q1', 'bob@a.test', 'alice@a.test'));
    await mx('bob@a.test', ['alice@a.test'], message('q2', 'bob@a.test', 'alice@a.test'));
    // Delivered before the 250: the reply is in Bob's INBOX, once.
    expect(await subjects('bob@a.test')).toEqual(['Auto: q1']);
    const [reply] = await jd.mail.list('bob@a.test', { limit: 10 }).toArray();
    const text = Buffer.from(await jd.mail.raw('bob@a.test', reply?.id ?? '')).toString();
    expect(text).toMatch(/^Auto-Submitted: auto-replied\r$/m);
    expect(text).toMatch(/^In-Reply-To: <q1@test>\r$/m);

    // The remote sender's reply goes out through the queue with MAIL FROM:<>.
    await mx(remote('carol'), ['alice@a.test'], message('r1', remote('carol'), 'ali@a.test'));
    const [out] = await eventually(
      async () => remoteGot(remote('carol')).length > 0 && remoteGot(remote('carol')),
      'the remote auto-reply',
    );
    expect(out?.mailFrom).toBe('');
    expect(out?.data.toString()).toMatch(/^Auto-Submitted: auto-replied\r$/m);
    expect(out?.data.toString()).toMatch(/^Subject: Auto: r1\r$/m);
  });

  it('does not auto-reply to automatic, list, bulk, spam or not-addressed mail, nor to a null sender', async () => {
    // A personal rule puts alice's "spam" in Junk: mail judged spam.
    await jd.filter.replaceUserRules('alice@a.test', [
      {
        name: 'junk',
        when: { header: { name: 'subject', contains: 'spammy' } },
        actions: [{ action: 'junk' }],
      },
    ]);
    const cases: [string, string, string][] = [
      ['x1', remote('mailer-daemon'), ''],
      ['x2', remote('owner-staff'), ''],
      ['x3', remote('staff-request'), ''],
      ['x4', remote('auto'), 'Auto-Submitted: auto-generated\r\n'],
      ['x5', remote('bulk'), 'Precedence: bulk\r\n'],
      ['x6', remote('list'), 'List-Id: <staff.remote.test>\r\n'],
      ['x7', remote('news'), 'List-Unsubscribe: <mailto:leave@remote.test>\r\n'],
    ];
    for (const [n, from, extra] of cases)
      await mx(from, ['alice@a.test'], message(n, from, 'alice@a.test', extra));
    await mx('', ['alice@a.test'], message('x8', remote('daemon'), 'alice@a.test'));
    await mx(remote('spam'), ['alice@a.test'], message('x9 spammy', remote('spam'), 'alice@a.test'));
    await mx(remote('bcc'), ['alice@a.test'], message('x10', remote('bcc'), remote('everyone')));
    // The control: the same path with "Auto-Submitted: no" is answered.
    await mx(
      remote('human'),
      ['alice@a.test'],
      message('x11', remote('human'), 'alice@a.test', 'Auto-Submitted: no\r\n'),
    );
    await eventually(async () => remoteGot(remote('human')).length === 1, 'the control reply');
    await queueEmpty();
    const answered = mta.received
      .flatMap((m) => m.rcptTo)
      .filter((r) => r.endsWith(`@${engine}.remote.test`) && r !== remote('carol'));
    expect(answered).toEqual([remote('human')]);
    expect(await subjects('alice@a.test', 'Junk')).toEqual(['x9 spammy']);
    await jd.filter.replaceUserRules('alice@a.test', []);
    await jd.settings.update('alice@a.test', { vacation: { enabled: false } });
  });

  it('forwards to local and remote targets as the user, with a copy or without', async () => {
    await jd.settings.update('dave@a.test', {
      forwarding: { enabled: true, to: ['erin@a.test', remote('ext')], keepCopy: true },
    });
    await mx('bob@a.test', ['dave@a.test'], message('f1', 'bob@a.test', 'dave@a.test'));
    expect(await subjects('dave@a.test')).toEqual(['f1']);
    expect(await subjects('erin@a.test')).toEqual(['f1']);
    const [out] = await eventually(
      async () => remoteGot(remote('ext')).length > 0 && remoteGot(remote('ext')),
      'the remote forward',
    );
    // The user's own address as the return path (README: forwarding and SPF).
    expect(out?.mailFrom).toBe('dave@a.test');
    expect(out?.data.toString()).toMatch(/^Delivered-To: dave@a\.test\r$/m);
    expect(out?.data.toString()).toMatch(/^Subject: f1\r$/m);

    await jd.settings.update('dave@a.test', { forwarding: { keepCopy: false } });
    await mx('bob@a.test', ['dave@a.test'], message('f2', 'bob@a.test', 'dave@a.test'));
    expect(await subjects('dave@a.test')).toEqual(['f1']);
    expect(await subjects('erin@a.test')).toEqual(['f1', 'f2']);
    await eventually(async () => remoteGot(remote('ext')).length === 2, 'the second remote forward');
  });

  it('stops a forwarding loop, keeps a copy it cannot forward, and does not forward spam', async () => {
    await jd.settings.update('frank@a.test', {
      forwarding: { enabled: true, to: ['gina@a.test'], keepCopy: true },
    });
    await jd.settings.update('gina@a.test', {
      forwarding: { enabled: true, to: ['frank@a.test'], keepCopy: true },
    });
    await mx('bob@a.test', ['frank@a.test'], message('loop', 'bob@a.test', 'frank@a.test'));
    // frank → gina → frank again, who sees his own Delivered-To and stops.
    expect(await subjects('frank@a.test')).toEqual(['loop', 'loop']);
    expect(await subjects('gina@a.test')).toEqual(['loop']);

    await jd.settings.update('hank@a.test', {
      forwarding: { enabled: true, to: ['ghost@a.test'], keepCopy: false },
    });
    await mx('bob@a.test', ['hank@a.test'], message('nowhere', 'bob@a.test', 'hank@a.test'));
    expect(await subjects('hank@a.test')).toEqual(['nowhere']);

    await jd.filter.replaceUserRules('ivy@a.test', [
      {
        name: 'junk',
        when: { header: { name: 'subject', contains: 'spammy' } },
        actions: [{ action: 'junk' }],
      },
    ]);
    await jd.settings.update('ivy@a.test', {
      forwarding: { enabled: true, to: ['erin@a.test'], keepCopy: false },
    });
    await mx('bob@a.test', ['ivy@a.test'], message('spammy', 'bob@a.test', 'ivy@a.test'));
    expect(await subjects('ivy@a.test', 'Junk')).toEqual(['spammy']);
    expect(await subjects('erin@a.test')).not.toContain('spammy');
  });

  it('a wrong current password is refused and counted as a failed sign-in; the list marks this session', async () => {
    const web = new WebClient();
    const res = await web.postJson(`${server.baseUrl}/auth/login`, { address: 'bob@a.test', password: PASS });
    const csrf = res.json<{ csrfToken: string }>().csrfToken;
    const change = (currentPassword: string) =>
      web.request(`${server.baseUrl}/api/v1/users/bob@a.test/password`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify({ currentPassword, newPassword: 'bob-new-password' }),
      });
    const wrong = await change('nope-nope');
    expect([wrong.status, wrong.json<{ code: string }>().code]).toEqual([422, 'CURRENT_PASSWORD_WRONG']);
    // The login guard's few free typos, then a wait: the guesses were counted.
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await change(`guess-${i}`)).status);
    expect(statuses.slice(0, 4)).toEqual([422, 422, 422, 422]);
    expect(statuses.at(-1)).toBe(429);
    const listed = await web.get(`${server.baseUrl}/api/v1/users/bob@a.test/sessions`);
    const items = listed.json<{ items: { current: boolean; channel: string }[] }>().items;
    expect(items.map((s) => [s.channel, s.current])).toEqual([['web', true]]);
  });

  it('ends the other sessions in one call, and a password change ends them too (IMAP included)', async () => {
    const login = async () => {
      const web = new WebClient();
      const res = await web.postJson(`${server.baseUrl}/auth/login`, {
        address: 'erin@a.test',
        password: PASS,
      });
      expect(res.status).toBe(200);
      return { web, csrf: res.json<{ csrfToken: string }>().csrfToken };
    };
    const alive = async (w: WebClient) => (await w.get(`${server.baseUrl}/auth/session`)).status === 200;
    const post = (c: { web: WebClient; csrf: string }, path: string, body: unknown) =>
      c.web.request(`${server.baseUrl}/api/v1/users/erin@a.test${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': c.csrf },
        body: JSON.stringify(body),
      });
    const here = await login();
    const other = await login();
    const ended = await post(here, '/sessions/end', { allOthers: true });
    expect(ended.json()).toEqual({ ended: 1 });
    expect([await alive(here.web), await alive(other.web)]).toEqual([true, false]);

    const third = await login();
    const imap = await rawImap(server, { user: 'erin@a.test', pass: PASS }, { tls: true });
    expect((await imap.command('s', 'SELECT INBOX')).status).toMatch(/^s OK/);
    const changed = await post(here, '/password', {
      currentPassword: PASS,
      newPassword: 'erin-new-password',
    });
    expect([changed.status, changed.json()]).toEqual([200, { endedSessions: 2 }]);
    expect(await imap.line(15_000)).toBe('* BYE Password changed; log in again');
    expect([await alive(here.web), await alive(third.web)]).toEqual([true, false]);
    const old = await rawImap(server);
    expect((await old.command('l', `LOGIN erin@a.test ${PASS}`)).status).toBe(
      'l NO [AUTHENTICATIONFAILED] Authentication failed',
    );
    expect((await old.command('m', 'LOGIN erin@a.test erin-new-password')).status).toMatch(/^m OK/);
    old.close();
  });

  it('refuses a password change for a directory or SSO-only user, and for someone else', async () => {
    await jd.users.create({ address: 'sso@a.test' });
    const sso = await jd.settings.get('sso@a.test');
    expect(sso.canChangePassword).toBe(false);
    const other = await api('/users/alice@a.test/password', basic('adm@a.test'), {
      method: 'POST',
      body: { currentPassword: PASS, newPassword: 'a-new-password-1' },
    });
    expect([other.status, other.json.code]).toEqual([403, 'FORBIDDEN']);
  });
});
