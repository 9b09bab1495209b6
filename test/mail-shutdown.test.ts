import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from './harness/databases.js';
import { RawImap } from './harness/imap-raw.js';
import { RawPop3 } from './harness/pop3-raw.js';
import type { TestServer } from './harness/server.js';
import { startWithAliceAndBob } from './harness/smtp-users.js';

// Stopping the server (SIGTERM) with mail clients connected: every IMAP and POP3 session is told
// why it ends — at once between commands and in IDLE — and the server exits quickly and cleanly,
// not after the clients' own timeouts (net/socket-service.ts, README "## IMAP" and "## POP3").
const databases = useDatabases();

describe('stopping the server with IMAP and POP3 clients connected', () => {
  let server: TestServer;
  beforeAll(async () => {
    ({ server } = await startWithAliceAndBob(await databases.fresh('sqlite')));
  });
  afterAll(() => server?.destroy());

  it('says * BYE and -ERR [SYS/TEMP] to every session, in IDLE too, and exits with 0', async () => {
    const idle = await RawImap.connect(server.imapPort);
    await idle.line();
    await idle.command('a', 'LOGIN alice@example.com alice-password');
    await idle.command('b', 'SELECT INBOX');
    idle.write('c IDLE\r\n');
    expect(await idle.line()).toMatch(/^\+ /);
    const notLoggedIn = await RawImap.connect(server.imapsPort, { tls: true });
    await notLoggedIn.line();
    const pop = await RawPop3.connect(server.pop3Port);
    await pop.line();
    await pop.command('USER bob@example.com');
    expect(await pop.command('PASS bob-password')).toMatch(/^\+OK /);

    const started = Date.now();
    const code = await server.stop();
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(8_000); // nobody waited for the 8 s grace

    expect(await idle.readUntil(/^\* BYE /)).toContainEqual('* BYE Server shutting down, try again later');
    expect(await notLoggedIn.readUntil(/^\* BYE /)).toContainEqual(
      '* BYE Server shutting down, try again later',
    );
    expect(await pop.line()).toBe('-ERR [SYS/TEMP] Server shutting down, try again later');
    await Promise.all([idle.closedByServer(), notLoggedIn.closedByServer(), pop.closedByServer()]);
  });
});
