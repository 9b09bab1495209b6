import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { JdMail } from '@jdmail/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliResult, startServer, type TestServer } from './harness/server.js';
import { startSlapd } from './harness/slapd.js';
import { tempDirs } from './harness/tmp.js';
import { WebClient } from './harness/web-client.js';

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '../examples');

// The README's SDK example, run as a user would run it.
describe('examples/unread-list', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
    const jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
    await jd.domains.create('example.com');
    await jd.users.create({ address: 'alice@example.com', displayName: 'Alice' });
    await jd.users.create({ address: 'bob@example.com', displayName: 'Bob' });
    await jd.mail.send('bob@example.com', {
      to: ['alice@example.com'],
      subject: 'Lunch on Friday?',
      text: 'Noodles?',
    });
    await jd.mail.send('bob@example.com', {
      to: ['alice@example.com'],
      subject: 'Your laptop is ready',
      text: 'Room 3',
    });
  });
  afterAll(() => server?.destroy());

  it('prints the unread count and latest unread messages with a mail:read key', async () => {
    const key = (
      await runCli(['apikey', 'create', '--name', 'portal', '--scopes', 'mail:read'], {
        JDMAIL_DATA_DIR: server.dataDir,
      })
    ).trim();
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(EXAMPLES, 'unread-list/index.mjs'), 'alice@example.com'],
      {
        env: { ...process.env, JDMAIL_URL: server.baseUrl, JDMAIL_TOKEN: key },
      },
    );
    expect(stdout).toBe(
      'alice@example.com: 2 unread\n- Bob: Your laptop is ready\n- Bob: Lunch on Friday?\n',
    );
  });

  it('prints the same as a registered app with client credentials', async () => {
    const created = await runCli(['app', 'create', '--name', 'portal', '--scopes', 'mail:read'], {
      JDMAIL_DATA_DIR: server.dataDir,
    });
    const clientId = /^client_id\s+(\S+)$/m.exec(created)?.[1] ?? '';
    const clientSecret = /^client_secret\s+(\S+)$/m.exec(created)?.[1] ?? '';
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(EXAMPLES, 'unread-list/index.mjs'), 'alice@example.com'],
      {
        env: {
          ...process.env,
          JDMAIL_URL: server.baseUrl,
          JDMAIL_CLIENT_ID: clientId,
          JDMAIL_CLIENT_SECRET: clientSecret,
        },
      },
    );
    expect(stdout).toBe(
      'alice@example.com: 2 unread\n- Bob: Your laptop is ready\n- Bob: Lunch on Friday?\n',
    );
  });
});

// An OA workflow step mailing its outcome with an attachment, run twice: it must send once.
describe('examples/oa-notify', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
    const jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
    await jd.domains.create('example.com');
    await jd.users.create({ address: 'hr@example.com', displayName: 'HR' });
    await jd.users.create({ address: 'alice@example.com', displayName: 'Alice' });
  });
  afterAll(() => server?.destroy());

  it('sends the notification with its attachment, and nothing more when the step runs again', async () => {
    const env = { JDMAIL_DATA_DIR: server.dataDir };
    const key = (await runCli(['apikey', 'create', '--name', 'oa', '--scopes', 'mail:write'], env)).trim();
    const pdf = join(server.dataDir, 'approval.pdf');
    await writeFile(pdf, '%PDF-1.4\n% approval of leave request 42\n');
    const run = async () =>
      (
        await promisify(execFile)(
          process.execPath,
          [join(EXAMPLES, 'oa-notify/index.mjs'), '42', 'hr@example.com', 'alice@example.com', pdf],
          { env: { ...process.env, JDMAIL_URL: server.baseUrl, JDMAIL_TOKEN: key } },
        )
      ).stdout;
    const first = await run();
    expect(first).toMatch(/^42: <[^>]+@[^>]+>\n$/);
    expect(await run()).toBe(first);

    const jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
    const inbox = await jd.mail.listUnread('alice@example.com');
    expect(inbox.items.map((m) => [m.subject, m.hasAttachments])).toEqual([
      ['Leave request 42: approved', true],
    ]);
    const message = await jd.mail.get('alice@example.com', inbox.items[0]?.id ?? '');
    expect(message.attachments.map((a) => a.filename)).toEqual(['approval.pdf']);
    expect(message.text).toContain('Open it in OA [https://oa.example.com/leave/42]');
    expect(message.headers.find((h) => h.name.toLowerCase() === 'reply-to')?.value).toBe('hr@example.com');
  });
});

// The README's portal example: the portal's "Mail" button sends the employee
// into the webmail with a one-click login link, signed in.
describe('examples/portal-sso', () => {
  let server: TestServer;
  let portal: ChildProcess | undefined;
  let portalUrl: string;

  beforeAll(async () => {
    server = await startServer();
    const jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
    await jd.domains.create('example.com');
    await jd.users.create({ address: 'alice@example.com', displayName: 'Alice' });
    const key = (
      await runCli(
        ['apikey', 'create', '--name', 'portal', '--scopes', 'sso:issue', '--domain', 'example.com'],
        {
          JDMAIL_DATA_DIR: server.dataDir,
        },
      )
    ).trim();
    const child = spawn(process.execPath, [join(EXAMPLES, 'portal-sso/server.mjs')], {
      env: { ...process.env, JDMAIL_URL: server.baseUrl, JDMAIL_TOKEN: key, PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    portal = child;
    portalUrl = await new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        const m = /listening on (http:\/\/\S+)/.exec(chunk.toString());
        if (m) resolve(m[1] as string);
      });
      child.on('exit', (code) => reject(new Error(`portal exited with ${code}`)));
    });
  });
  afterAll(async () => {
    portal?.kill();
    await server?.destroy();
  });

  it('redirects a signed-in employee into their webmail, signed in, with a link that works once', async () => {
    const browser = new WebClient();
    expect((await browser.get(`${portalUrl}/mail`)).status).toBe(401); // not signed in to the portal
    await browser.get(`${portalUrl}/demo-login?user=alice@example.com`);
    const click = await browser.get(`${portalUrl}/mail`);
    expect(click.status).toBe(302);
    const link = click.location as string;
    expect(link.startsWith(`${server.baseUrl}/auth/link/`)).toBe(true);
    const landed = await browser.get(link);
    expect(landed.location).toBe(`${server.baseUrl}/`);
    const session = await browser.get(`${server.baseUrl}/auth/session`);
    expect(session.json<{ user: { address: string } }>().user.address).toBe('alice@example.com');
    expect((await new WebClient().get(link)).location).toBe(`${server.baseUrl}/login?error=link_invalid`);
  });
});

// examples/ldap: its config.json, unchanged but for the port, against its directory.ldif.
describe('examples/ldap', () => {
  const dirs = tempDirs();
  afterAll(() => dirs.removeAll());

  it('config.json syncs the example directory; active-directory.json is a valid configuration', async () => {
    const example = join(EXAMPLES, 'ldap');
    const slapd = await startSlapd({ baseEntry: false });
    try {
      await slapd.add(await readFile(join(example, 'directory.ldif'), 'utf8'));
      const dir = await dirs.make('jdmail-example-ldap-');
      const config = (await readFile(join(example, 'config.json'), 'utf8')).replace(
        'ldap://127.0.0.1:3389',
        slapd.url,
      );
      await writeFile(join(dir, 'config.json'), config);
      await copyFile(join(example, 'bind-password'), join(dir, 'bind-password'));
      const env = { JDMAIL_CONFIG: join(dir, 'config.json'), JDMAIL_DATA_DIR: join(dir, 'data') };
      await runCli(['domain', 'add', 'example.com'], env);
      const out = (await runCli(['ldap', 'sync'], env)).split('\n');
      expect(out[0]).toMatch(/^ldap sync corp \(full\): succeeded in /);
      expect(out.slice(1, 4)).toEqual([
        'directory: 4 users, 1 groups',
        'create 4, update 0, disable 0, enable 0; pending disable 0, conflicts 0, skipped 0',
        'groups: 4 created, 0 changed, 0 deleted; memberships: 6 added, 0 removed',
      ]);
      const list = await runCli(['user', 'list'], env);
      expect(list.split('\n').filter(Boolean)).toEqual([
        'alice@example.com\tenabled\tuser\tAlice Wang',
        'bob@example.com\tenabled\tuser\tBob Li',
        'carol@example.com\tenabled\tuser\tCarol Chen',
        'dave@example.com\tenabled\tuser\tDave Zhao',
      ]);
    } finally {
      await slapd.stop();
    }
    // The AD example loads (a bad setting would exit 78); there is no domain controller here to reach.
    const ad = await runCliResult(['ldap', 'sync', '--dry-run'], {
      JDMAIL_CONFIG: join(example, 'active-directory.json'),
      JDMAIL_DATA_DIR: join(await dirs.make('jdmail-example-ad-'), 'data'),
      AD_BIND_PASSWORD: 'not-a-real-one',
    });
    expect(ad.code).toBe(1);
    expect(ad.stdout).toContain('error: domain corp.example of directory source ad is not a local domain');
  });
});
