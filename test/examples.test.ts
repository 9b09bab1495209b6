import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { JdMail } from '@jdmail/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServer, type TestServer } from './harness/server.js';

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
