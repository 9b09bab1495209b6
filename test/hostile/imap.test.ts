import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../harness/databases.js';
import { rawImap } from '../harness/imap-clients.js';
import type { TestServer } from '../harness/server.js';
import { startWithAliceAndBob } from '../harness/smtp-users.js';

/**
 * Hostile and careless IMAP clients against the real listener: endless lines, huge literals
 * (refused with TOOBIG before a byte is sent), junk and NUL, plaintext logins from remote
 * addresses, commands injected before STARTTLS, silent connections, a flood from one address and
 * too many sessions of one user. Each comes from a 127.0.0.x address of its own; after all of
 * it, a well-behaved client still logs in.
 */
const databases = useDatabases();
const ALICE = 'alice@example.com';
const LOGIN = { user: ALICE, pass: 'alice-password' };

describe('IMAP listener under hostile input', () => {
  let server: TestServer;

  beforeAll(async () => {
    ({ server } = await startWithAliceAndBob(await databases.fresh('sqlite'), {
      JDMAIL_IMAP_LOGIN_TIMEOUT_MS: '2000',
      JDMAIL_IMAP_COMMAND_TIMEOUT_MS: '1500',
      JDMAIL_IMAP_MAX_CONNECTIONS_PER_IP: '4',
      JDMAIL_IMAP_MAX_SESSIONS_PER_USER: '3',
      JDMAIL_SMTP_MAX_MESSAGE_SIZE: String(1024 * 1024),
      // Only 127.0.0.1 may send a password without TLS: the other loopback addresses stand for remote clients.
      JDMAIL_IMAP_ALLOW_PLAINTEXT_AUTH: '127.0.0.1',
    }));
  });
  afterAll(() => server?.destroy());

  it('a command line past 64 KiB: BAD [TOOBIG], and the session goes on', async () => {
    const c = await rawImap(server, LOGIN);
    c.write(`a NOOP ${'x'.repeat(70 * 1024)}\r\nb NOOP\r\n`);
    expect(await c.line()).toMatch(/^a BAD \[TOOBIG\] Command line too long/);
    expect(await c.line()).toBe('b OK NOOP completed');
    c.close();
  });

  it('huge literals: an APPEND past APPENDLIMIT is NO [TOOBIG] before any byte; another literal BAD [TOOBIG]; a huge non-synchronizing one ends the session', async () => {
    const c = await rawImap(server, LOGIN, { localAddress: '127.0.0.2', tls: true });
    c.write('a APPEND INBOX {2000000}\r\n');
    expect(await c.line()).toMatch(
      /^a NO \[TOOBIG\] Message too big: 2000000 octets; the limit \(APPENDLIMIT\) is 1048576$/,
    );
    c.write('b LOGIN {100000}\r\n');
    expect(await c.line()).toMatch(/^b BAD /);
    c.write('c SEARCH TEXT {900000}\r\n');
    expect(await c.line()).toMatch(/^c BAD \[TOOBIG\] Literal too big for SEARCH/);
    expect((await c.command('d', 'NOOP')).status).toBe('d OK NOOP completed');
    c.write('e APPEND INBOX {99999999999+}\r\n');
    expect(await c.line()).toMatch(/^\* BYE .*TOOBIG|^\* BYE /);
    await c.closedByServer();
  });

  it('junk, NUL and binary noise are answered BAD, one by one; too many end the session', async () => {
    const c = await rawImap(server, undefined, { localAddress: '127.0.0.3' });
    c.write('a NOOP\0junk\r\n');
    expect(await c.line()).toMatch(/^a BAD /);
    c.write('b LOGIN "a\0b" c\r\n');
    expect(await c.line()).toMatch(/^b BAD NUL octets are not allowed/);
    c.write('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n');
    expect(await c.line()).toMatch(/^\* BAD /);
    c.write('GET / HTTP/1.1\r\n');
    expect(await c.line()).toMatch(/BAD/);
    expect((await c.command('z', 'CAPABILITY')).status).toBe('z OK CAPABILITY completed');
    c.write('x FROB\r\n'.repeat(60));
    const lines = await c.readUntil(/^\* BYE /);
    expect(lines.at(-1)).toBe('* BYE Too many invalid commands');
    await c.closedByServer();
  });

  it('a password over cleartext from a remote address is refused (LOGINDISABLED); commands injected before STARTTLS are dropped', async () => {
    const remote = await rawImap(server, undefined, { localAddress: '127.0.0.4' });
    const caps = await remote.command('a', 'CAPABILITY');
    expect(caps.untagged[0]).toContain('LOGINDISABLED');
    expect((await remote.command('b', `LOGIN ${ALICE} alice-password`)).status).toMatch(
      /^b NO \[PRIVACYREQUIRED\]/,
    );
    remote.write(`c STARTTLS\r\nd LOGIN ${ALICE} alice-password\r\n`);
    expect(await remote.line()).toBe('c OK Begin TLS negotiation now');
    await remote.startTls();
    // The injected LOGIN was dropped: the session is still not authenticated.
    expect((await remote.command('e', 'SELECT INBOX')).status).toBe(
      'e BAD SELECT not allowed now: log in first',
    );
    expect((await remote.command('f', `LOGIN ${ALICE} alice-password`)).status).toMatch(/^f OK /);
    remote.close();
  });

  it('a connection that never logs in is closed; so is one trickling a command', async () => {
    const silent = await rawImap(server, undefined, { localAddress: '127.0.0.5' });
    expect(await silent.line(10_000)).toBe('* BYE No login in time, closing connection');
    await silent.closedByServer();
    const trickle = await rawImap(server, LOGIN, { localAddress: '127.0.0.6', tls: true });
    trickle.write('a NOOP');
    expect(await trickle.line(10_000)).toBe('* BYE Command arrived too slowly, closing connection');
  });

  it('connections per address and sessions per user are limited, with clear answers', async () => {
    const from = '127.0.0.7';
    const held = await Promise.all(
      [1, 2, 3, 4].map(() => rawImap(server, undefined, { localAddress: from })),
    );
    const fifth = await import('../harness/imap-raw.js').then((m) =>
      m.RawImap.connect(server.imapPort, { localAddress: from }),
    );
    expect(await fifth.line()).toBe('* BYE Too many connections from your address; try again later');
    for (const c of held) c.close();
    const bob = { user: 'bob@example.com', pass: 'bob-password' };
    const sessions = await Promise.all([1, 2, 3].map(() => rawImap(server, bob)));
    const extra = await rawImap(server);
    expect((await extra.command('a', 'LOGIN bob@example.com bob-password')).status).toMatch(
      /^a NO \[LIMIT\] Too many IMAP sessions of bob@example.com at once/,
    );
    for (const c of [...sessions, extra]) c.close();
  });

  it('after all of it, the listener still serves a well-behaved client', async () => {
    const c = await rawImap(server, LOGIN, { tls: true });
    expect((await c.command('s', 'SELECT INBOX')).status).toBe('s OK [READ-WRITE] SELECT completed');
    expect((await c.command('z', 'LOGOUT')).untagged).toEqual(['* BYE mail.test IMAP server logging out']);
  });
});
