import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useDatabases } from './harness/databases.js';
import { runCli, startServer, type TestServer } from './harness/server.js';
import { RawSmtp } from './harness/smtp-raw.js';

const databases = useDatabases();
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

// smtp-server's own close waits 30 s for every session to end, and clients keep idle sessions
// open, so a restart used to take that long whenever a client was connected.
describe.each(databases.engines)('stopping the SMTP listener on %s', (engine) => {
  it('closes idle sessions at once, lets a message in transfer finish, and keeps it', async () => {
    const db = await databases.fresh(engine);
    const dataDir = await mkdtemp(join(tmpdir(), 'jdmail-stop-'));
    dirs.push(dataDir);
    const env = {
      JDMAIL_DATA_DIR: dataDir,
      ...(db.databaseUrl ? { JDMAIL_DATABASE_URL: db.databaseUrl } : {}),
    };
    let server: TestServer = await startServer({ dataDir, databaseUrl: db.databaseUrl });
    const adminKey = server.adminKey;
    await runCli(['domain', 'add', 'example.com'], env);
    await runCli(['user', 'add', 'alice@example.com'], env);

    const idle = await RawSmtp.connect(server.smtpPort);
    await idle.reply();
    await idle.command('EHLO idle.test');
    const busy = await RawSmtp.connect(server.smtpPort);
    await busy.reply();
    await busy.command('EHLO busy.test');
    await busy.command('MAIL FROM:<a@remote.test>');
    await busy.command('RCPT TO:<alice@example.com>');
    expect((await busy.command('DATA')).code).toBe(354);
    busy.write('Subject: in transfer at the stop\r\n\r\nfirst half, ');

    const stopped = server.stop();
    // The idle session hears of the stop while the other one is still in the middle of its message.
    expect((await idle.reply()).text).toMatch(/^421 4\.3\.2 .*shutting down/);
    busy.write('second half\r\n.\r\n');
    expect((await busy.reply()).text).toMatch(/^250 2\.0\.0 Ok/);
    // Then it is told too, instead of starting another transaction.
    expect((await busy.reply()).text).toMatch(/^421 .*shutting down/);
    expect(await stopped).toBe(0);
    idle.close();
    busy.close();

    server = await startServer({ dataDir, databaseUrl: db.databaseUrl });
    try {
      const res = await fetch(`${server.baseUrl}/api/v1/users/alice@example.com/messages`, {
        headers: { authorization: `Bearer ${adminKey}` },
      });
      const { items } = (await res.json()) as { items: { subject: string }[] };
      expect(items.map((m) => m.subject)).toEqual(['in transfer at the stop']);
    } finally {
      await server.stop();
    }
  });
});
