import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../harness/databases.js';
import { RawPop3 } from '../harness/pop3-raw.js';
import { poplib, resultOf } from '../harness/poplib.js';
import type { TestServer } from '../harness/server.js';
import { startWithAliceAndBob } from '../harness/smtp-users.js';

/**
 * Hostile and careless POP3 clients against the real listener: endless lines, NUL and junk,
 * trickled bytes, silent connections and TLS handshakes, a flood from one address, too many
 * sessions of one user, pipelining, and commands injected before STLS. Each comes from a
 * 127.0.0.x address of its own; after all of it, a well-behaved client still gets its mail.
 */
const databases = useDatabases();
const LIMITS = { commandTimeoutMs: 1500, idleTimeoutMs: 3000, maxConnectionsPerIp: 4, maxSessionsPerUser: 2 };
const ALICE = 'alice@example.com';

describe('POP3 listener under hostile input', () => {
  let server: TestServer;

  beforeAll(async () => {
    ({ server } = await startWithAliceAndBob(await databases.fresh('sqlite'), {
      JDMAIL_POP3_COMMAND_TIMEOUT_MS: String(LIMITS.commandTimeoutMs),
      JDMAIL_POP3_IDLE_TIMEOUT_MS: String(LIMITS.idleTimeoutMs),
      JDMAIL_POP3_MAX_CONNECTIONS_PER_IP: String(LIMITS.maxConnectionsPerIp),
      JDMAIL_POP3_MAX_SESSIONS_PER_USER: String(LIMITS.maxSessionsPerUser),
      // Only 127.0.0.1 may send a password without TLS: the other loopback addresses stand for remote clients.
      JDMAIL_POP3_ALLOW_PLAINTEXT_AUTH: '127.0.0.1',
    }));
    const mx = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    for (const subject of ['one', 'two'])
      await mx.sendMail({
        envelope: { from: 'bob@example.org', to: [ALICE] },
        raw: `Subject: ${subject}\r\n\r\n.${subject}\r\n`,
      });
    mx.close();
  });
  afterAll(() => server?.destroy());

  const connect = async (localAddress: string, tls = false) => {
    const pop = await RawPop3.connect(tls ? server.pop3sPort : server.pop3Port, { localAddress, tls });
    expect(await pop.line()).toMatch(/^\+OK mail\.test POP3 server ready$/);
    return pop;
  };

  it('refuses a password over cleartext unless the client is allowed; STLS first works', async () => {
    const remote = await connect('127.0.0.2');
    remote.write('CAPA\r\n');
    const before = await remote.multiLine();
    expect(before.lines).toContain('STLS');
    expect(before.lines).not.toContain('USER');
    expect(before.lines.some((l) => l.startsWith('SASL'))).toBe(false);
    const refused =
      '-ERR [AUTH] Plaintext authentication disallowed on non-secure connections; use STLS first';
    expect(await remote.command(`USER ${ALICE}`)).toBe(refused);
    expect(await remote.command('PASS alice-password')).toBe(refused);
    expect(await remote.command('AUTH PLAIN AGFsaWNlQGV4YW1wbGUuY29tAGFsaWNlLXBhc3N3b3Jk')).toBe(refused);
    expect(await remote.command('STLS')).toBe('+OK Begin TLS negotiation');
    await remote.startTls();
    remote.write('CAPA\r\n');
    const after = await remote.multiLine();
    expect(after.lines).toEqual(expect.arrayContaining(['USER', 'SASL PLAIN']));
    expect(after.lines).not.toContain('STLS');
    expect(await remote.command('STLS')).toBe('-ERR Already using TLS');
    expect(await remote.command(`USER ${ALICE}`)).toBe('+OK Send your password');
    expect(await remote.command('PASS alice-password')).toMatch(/^\+OK alice@example\.com has 2 messages/);
    expect(await remote.command('QUIT')).toMatch(/^\+OK/);

    const allowed = await connect('127.0.0.1');
    expect(await allowed.command(`USER ${ALICE}`)).toBe('+OK Send your password');
    expect(await allowed.command('PASS alice-password')).toMatch(/^\+OK /);
    expect(await allowed.command('QUIT')).toMatch(/^\+OK/);
  });

  it('drops commands pipelined behind STLS: nothing sent before the handshake is read after it', async () => {
    const pop = await connect('127.0.0.3');
    pop.write(`STLS\r\nUSER ${ALICE}\r\n`);
    expect(await pop.line()).toBe('+OK Begin TLS negotiation');
    await pop.startTls();
    expect(await pop.command('PASS alice-password')).toBe('-ERR Send USER first');
    pop.close();
  });

  it('answers pipelined commands in order, multi-line responses included (RFC 2449 PIPELINING)', async () => {
    const pop = await connect('127.0.0.1');
    pop.write(
      `USER ${ALICE}\r\nPASS alice-password\r\nSTAT\r\nLIST\r\nUIDL\r\nRETR 1\r\nTOP 2 0\r\nNOOP\r\nQUIT\r\n`,
    );
    expect(await pop.line()).toBe('+OK Send your password');
    expect(await pop.line()).toMatch(/^\+OK alice@example\.com has 2 messages/);
    expect(await pop.line()).toMatch(/^\+OK 2 \d+$/);
    expect((await pop.multiLine()).lines).toHaveLength(2);
    expect((await pop.multiLine()).lines).toHaveLength(2);
    const retr = await pop.multiLine();
    expect(retr.status).toMatch(/^\+OK \d+ octets$/);
    expect(retr.lines.at(-1)).toBe('.one'); // stuffed on the wire, un-stuffed here
    expect((await pop.multiLine()).lines.at(-2)).toBe('Subject: two');
    expect(await pop.line()).toBe('+OK');
    expect(await pop.line()).toMatch(/^\+OK mail\.test POP3 server signing off/);
    await pop.closedByServer();
  });

  it('answers a line past 4096 bytes, NUL and junk with -ERR and goes on; 20 bad commands end it', async () => {
    const pop = await connect('127.0.0.4');
    expect(await pop.command(`USER ${'a'.repeat(5000)}`)).toBe(
      '-ERR Command line too long (at most 4096 bytes)',
    );
    // A megabyte without a line end is read and dropped, never held: one answer once its LF comes.
    pop.write(Buffer.alloc(1024 * 1024, 0x41));
    expect(await pop.command('')).toBe('-ERR Command line too long (at most 4096 bytes)');
    expect(await pop.command('NOOP')).toBe('+OK');
    expect(await pop.command('USER a\0b')).toBe('-ERR Invalid characters in command');
    expect(await pop.command('GET / HTTP/1.1')).toBe('-ERR Unknown command: GET');
    expect(await pop.command('\x16\x03\x01\x02\x00')).toBe('-ERR Invalid characters in command');
    expect(await pop.command('STAT')).toBe('-ERR STAT is not valid before signing in');
    expect(await pop.command('RETR 1')).toBe('-ERR RETR is not valid before signing in');
    // Two long lines, NUL, GET and the TLS bytes were bad; out-of-state commands are not.
    for (let i = 0; i < 14; i++) expect(await pop.command('XYZZY')).toBe('-ERR Unknown command');
    expect(await pop.command('HELP')).toBe('-ERR Too many bad commands, closing connection');
    await pop.closedByServer();
  });

  it('refuses bad arguments after sign-in without harm', async () => {
    const pop = await connect('127.0.0.1');
    await pop.command(`USER ${ALICE}`);
    await pop.command('PASS alice-password');
    for (const [command, answer] of [
      ['RETR 0', '-ERR Invalid message number'],
      ['RETR 99', '-ERR No such message'],
      ['RETR -1', '-ERR Invalid message number'],
      ['RETR 1e3', '-ERR Invalid message number'],
      ['RETR', '-ERR Syntax: RETR message'],
      ['TOP 1', '-ERR Syntax: TOP message lines'],
      ['TOP 1 x', '-ERR Invalid line count'],
      ['LIST 1 2', '-ERR Syntax: LIST [message]'],
      ['DELE 3', '-ERR No such message'],
      ['USER bob@example.com', '-ERR USER is not valid after signing in'],
      ['STLS', '-ERR STLS is not valid after signing in'],
    ])
      expect(await pop.command(command as string)).toBe(answer);
    expect(await pop.command('QUIT')).toMatch(/^\+OK/);
  });

  it('cuts a command line trickled byte by byte, a silent client, and a stalled TLS handshake', async () => {
    const trickle = await connect('127.0.0.7');
    const started = Date.now();
    const timer = setInterval(() => trickle.write('N'), 300);
    try {
      expect(await trickle.line(15_000)).toBe('-ERR Command line arrived too slowly, closing connection');
      await trickle.closedByServer();
    } finally {
      clearInterval(timer);
    }
    // Cut near commandTimeoutMs (plus a check interval), not after the idle time.
    expect(Date.now() - started).toBeLessThan(LIMITS.idleTimeoutMs + 5000);

    const silent = await connect('127.0.0.8');
    expect(await silent.line(15_000)).toBe('-ERR Idle for too long, closing connection');
    await silent.closedByServer();

    // A POP3S connection that never starts its handshake holds nothing for long.
    const { connect: tcp } = await import('node:net');
    const stalled = tcp({ port: server.pop3sPort, host: '127.0.0.1', localAddress: '127.0.0.9' });
    stalled.on('error', () => {});
    stalled.write('\x16'); // the first byte of a ClientHello, and no more
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('a stalled handshake was not cut')), 15_000);
      stalled.on('close', () => {
        clearTimeout(t);
        resolve();
      });
    });
  });

  it('refuses connections over pop3.maxConnectionsPerIp with -ERR [SYS/TEMP]; others go on', async () => {
    const from = '127.0.0.10';
    const held = await Promise.all(Array.from({ length: LIMITS.maxConnectionsPerIp }, () => connect(from)));
    const extra = await RawPop3.connect(server.pop3Port, { localAddress: from });
    expect(await extra.line()).toBe(
      '-ERR [SYS/TEMP] Too many connections from your address; try again later',
    );
    await extra.closedByServer();
    const tlsExtra = await RawPop3.connect(server.pop3sPort, { localAddress: from, tls: true });
    expect(await tlsExtra.line()).not.toBe(''); // each listener counts its own: POP3S still admits this one
    tlsExtra.close();
    const other = await connect('127.0.0.11');
    expect(await other.command('NOOP')).toBe('+OK');
    held[0]?.close();
    await held[0]?.closedByServer();
    for (let i = 0; ; i++) {
      const again = await RawPop3.connect(server.pop3Port, { localAddress: from });
      if ((await again.line()).startsWith('+OK')) break; // its place came back once the server saw the close
      if (i > 50) throw new Error('a closed connection’s place never came back');
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const pop of held) pop.close();
    other.close();
  });

  it('refuses a user’s session past pop3.maxSessionsPerUser with -ERR [IN-USE]', async () => {
    const open = [];
    for (let i = 0; i < LIMITS.maxSessionsPerUser; i++) {
      const pop = await connect('127.0.0.1');
      await pop.command(`USER ${ALICE}`);
      expect(await pop.command('PASS alice-password')).toMatch(/^\+OK /);
      open.push(pop);
    }
    const third = await connect('127.0.0.1');
    await third.command(`USER ${ALICE}`);
    expect(await third.command('PASS alice-password')).toBe(
      '-ERR [IN-USE] Too many POP3 sessions of alice@example.com at once; close another mail client first',
    );
    expect(await open[0]?.command('QUIT')).toMatch(/^\+OK/);
    await open[0]?.closedByServer();
    for (let i = 0; ; i++) {
      await third.command(`USER ${ALICE}`);
      if ((await third.command('PASS alice-password')).startsWith('+OK')) break;
      if (i > 50) throw new Error('the user’s place never came back');
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const pop of [...open, third]) pop.close();
  });

  it('still serves a well-behaved client after all of that', async () => {
    const out = await poplib(
      server.pop3sPort,
      [['user', ALICE], ['pass', 'alice-password'], ['stat'], ['quit']],
      'ssl',
    );
    expect(resultOf(out[3])).toEqual([2, expect.any(Number)]);
    expect(server.output.join('\n')).not.toMatch(/"level":50.*pop3|uncaught/i);
  });
});
