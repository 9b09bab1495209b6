import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './harness/server.js';
import { RawSmtp } from './harness/smtp-raw.js';
import { startWithAliceAndBob } from './harness/smtp-users.js';

// A message larger than the inline limit streams to a temp file under
// blobs/tmp/ while it arrives. A crash mid-transfer left that file for an hour
// (another node on shared storage might still be writing it). Temp files now
// name their writer, so a restart removes the ones of its own dead process at once.

describe('temp files of a crashed server', () => {
  let server: TestServer | undefined;
  afterAll(async () => {
    await server?.stop();
    if (server) await rm(server.dataDir, { recursive: true, force: true });
  });

  it('are removed when it starts again, and the message it was taking is not delivered', async () => {
    // startWithAliceAndBob makes its own data directory; this one is never used.
    ({ server } = await startWithAliceAndBob({ engine: 'sqlite', dataDir: '', databaseUrl: '' }));
    const tmp = join(server.dataDir, 'blobs', 'tmp');
    const smtp = await RawSmtp.connect(server.smtpPort);
    await smtp.reply();
    await smtp.command('EHLO crash.test');
    await smtp.command('MAIL FROM:<a@remote.test>');
    await smtp.command('RCPT TO:<alice@example.com>');
    await smtp.command('DATA');
    smtp.write(`Subject: never finished\r\n\r\n${'half a message '.repeat(20_000)}`);
    for (let i = 0; i < 100 && readdirSync(tmp).length === 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(readdirSync(tmp)).toHaveLength(1);
    await server.crash();
    smtp.close();
    expect(readdirSync(tmp)).toHaveLength(1); // what the crash left

    server = await startServer({ dataDir: server.dataDir });
    expect(readdirSync(tmp)).toEqual([]);
    const res = await fetch(`${server.baseUrl}/api/v1/users/alice@example.com/unread-count`, {
      headers: {
        authorization: `Basic ${Buffer.from('alice@example.com:alice-password').toString('base64')}`,
      },
    });
    expect(await res.json()).toEqual({ unread: 0, total: 0 });
  });
});
