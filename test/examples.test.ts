import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { JdMail } from '@jdmail/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServer, type TestServer } from './harness/server.js';
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
