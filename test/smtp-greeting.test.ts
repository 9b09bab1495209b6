import { hostname } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { logUntil, startServer, type TestServer } from './harness/server.js';
import { RawSmtp } from './harness/smtp-raw.js';

const servers: TestServer[] = [];
afterAll(() => Promise.all(servers.map((s) => s.destroy())));

describe('SMTP greeting and the server’s name', () => {
  it('greets once with its name and ESMTP, on both listeners', async () => {
    const server = await startServer();
    servers.push(server);
    for (const port of [server.smtpPort, server.submissionPort]) {
      const smtp = await RawSmtp.connect(port);
      expect((await smtp.reply()).text).toBe('220 mail.test ESMTP jdmail');
      smtp.socket.destroy();
    }
  });

  it('without a hostname setting, uses the machine’s name and warns when it is not fully qualified', async () => {
    const server = await startServer({ env: { JDMAIL_HOSTNAME: '' } });
    servers.push(server);
    const smtp = await RawSmtp.connect(server.smtpPort);
    const greeting = (await smtp.reply()).text;
    smtp.socket.destroy();
    const name = /^220 (\S+) ESMTP jdmail$/.exec(greeting)?.[1] ?? '';
    expect(name.startsWith(hostname().toLowerCase())).toBe(true);
    const log = await logUntil(server, /http\.publicUrl is not set/);
    expect(log.includes(`hostname \\"${name}\\" is not a fully qualified domain name`)).toBe(
      !name.includes('.'),
    );
  });
});
