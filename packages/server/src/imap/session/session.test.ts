import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../../test/harness/databases.js';
import { type ImapHarness, imapHarness, type TestUser } from './testing/harness.js';

// The session's state machine and its commands of every state (RFC 9051 §6.1-6.2, §6.3.1
// ENABLE, RFC 2971 ID, RFC 2342 NAMESPACE), over an in-memory socket with a real store.
const databases = useDatabases();

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('IMAP session: states, capabilities, login', () => {
  let h: ImapHarness;
  let alice: TestUser;
  beforeAll(async () => {
    h = await imapHarness(await databases.fresh('sqlite'));
    alice = await h.addUser();
  });
  afterAll(() => h.close());

  it('greets with its capabilities, both IMAP4rev2 and IMAP4rev1, and AUTH= only where a password may be sent', async () => {
    const local = await h.connect();
    const { untagged, status } = await local.command('a', 'CAPABILITY');
    expect(status).toBe('a OK CAPABILITY completed');
    const caps = (untagged[0] as string).split(' ');
    expect(caps.slice(0, 4)).toEqual(['*', 'CAPABILITY', 'IMAP4rev2', 'IMAP4rev1']);
    expect(caps).toEqual(
      expect.arrayContaining(['STARTTLS', 'AUTH=PLAIN', 'AUTH=LOGIN', 'SASL-IR', 'IDLE', 'QRESYNC']),
    );
    expect(caps).not.toContain('LOGINDISABLED');
    expect(caps).not.toContain('COMPRESS=DEFLATE'); // only after authentication (RFC 4978 §3)

    const remote = await h.connect({ remote: '192.0.2.7' });
    const caps2 = ((await remote.command('a', 'CAPABILITY')).untagged[0] as string).split(' ');
    expect(caps2).toContain('LOGINDISABLED');
    expect(caps2.filter((c) => c.startsWith('AUTH='))).toEqual([]);
    expect(await remote.command('b', `LOGIN ${alice.address} secret`)).toMatchObject({
      status: expect.stringMatching(/^b NO \[PRIVACYREQUIRED\] /),
    });
    expect(
      (await remote.command('c', `AUTHENTICATE PLAIN ${b64(`\0${alice.address}\0secret`)}`)).status,
    ).toMatch(/^c NO \[PRIVACYREQUIRED\]/);
  });

  it('refuses commands outside their state with BAD, and unknown ones too', async () => {
    const c = await h.connect();
    expect((await c.command('a', 'SELECT INBOX')).status).toBe('a BAD SELECT not allowed now: log in first');
    expect((await c.command('b', 'FROB')).status).toMatch(/^b BAD Unknown command FROB/);
    const logged = await h.login(alice);
    expect((await logged.command('c', 'FETCH 1 FLAGS')).status).toMatch(
      /^c BAD FETCH not allowed now: select a mailbox first/,
    );
    expect((await logged.command('d', `LOGIN ${alice.address} secret`)).status).toMatch(
      /^d BAD LOGIN not allowed now/,
    );
  });

  it('logs in with LOGIN: the tagged OK carries the new capabilities; a wrong password is AUTHENTICATIONFAILED', async () => {
    const c = await h.connect();
    expect((await c.command('a', `LOGIN ${alice.address} wrong`)).status).toBe(
      'a NO [AUTHENTICATIONFAILED] Authentication failed',
    );
    const ok = await c.command('b', `LOGIN "${alice.address}" "secret"`);
    expect(ok.status).toMatch(/^b OK \[CAPABILITY IMAP4rev2 IMAP4rev1 .*COMPRESS=DEFLATE.*\] Logged in$/);
    expect(ok.status).not.toContain('AUTH=');
  });

  it('a directory that cannot answer is NO [UNAVAILABLE], never a wrong password', async () => {
    const c = await h.connect();
    h.directoryDown = true;
    try {
      expect((await c.command('a', `LOGIN ${alice.address} secret`)).status).toMatch(
        /^a NO \[UNAVAILABLE\] /,
      );
    } finally {
      h.directoryDown = false;
    }
    expect((await c.command('b', `LOGIN ${alice.address} secret`)).status).toMatch(/^b OK /);
  });

  it('AUTHENTICATE PLAIN with SASL-IR, after an empty challenge, and LOGIN; `*` cancels', async () => {
    const ir = await h.connect();
    expect((await ir.command('a', `AUTHENTICATE PLAIN ${b64(`\0${alice.address}\0secret`)}`)).status).toMatch(
      /^a OK \[CAPABILITY/,
    );

    const challenged = await h.connect();
    challenged.write('a AUTHENTICATE PLAIN\r\n');
    expect(await challenged.line()).toBe('+ ');
    challenged.write(`${b64(`${alice.address}\0${alice.address}\0secret`)}\r\n`);
    expect((await challenged.answer('a')).status).toMatch(/^a OK /);

    const login = await h.connect();
    login.write('a AUTHENTICATE LOGIN\r\n');
    expect(await login.line()).toBe(`+ ${b64('Username:')}`);
    login.write(`${b64(alice.address)}\r\n`);
    expect(await login.line()).toBe(`+ ${b64('Password:')}`);
    login.write(`${b64('secret')}\r\n`);
    expect((await login.answer('a')).status).toMatch(/^a OK /);

    const cancelled = await h.connect();
    cancelled.write('a AUTHENTICATE PLAIN\r\n');
    await cancelled.line();
    cancelled.write('*\r\n');
    expect((await cancelled.answer('a')).status).toBe('a BAD Authentication cancelled');
    expect((await cancelled.command('b', 'NOOP')).status).toBe('b OK NOOP completed');

    const other = await h.connect();
    expect(
      (await other.command('a', `AUTHENTICATE PLAIN ${b64(`bob@x\0${alice.address}\0secret`)}`)).status,
    ).toMatch(/^a NO \[AUTHORIZATIONFAILED\]/);
  });

  it('counts failed logins in the shared guard: past the budget an attempt is refused at once', async () => {
    const c = await h.connect({ remote: '127.0.0.9' });
    const statuses: string[] = [];
    for (let i = 0; i < 8; i++)
      statuses.push((await c.command(`t${i}`, `LOGIN ${alice.address} wrong${i}`)).status);
    expect(statuses.slice(0, 5).every((s) => s.includes('[AUTHENTICATIONFAILED]'))).toBe(true);
    expect(statuses.at(-1)).toMatch(/NO \[UNAVAILABLE\] Too many failed logins; try again in \d+ seconds?/);
    // The right password is refused too while the pair waits: nothing was checked.
    expect((await c.command('r', `LOGIN ${alice.address} secret`)).status).toMatch(
      /NO \[UNAVAILABLE\] Too many/,
    );
  });

  it('ID before and after login; ENABLE answers only what it newly turned on; NAMESPACE', async () => {
    const c = await h.connect();
    const id = await c.command('a', 'ID ("name" "Foxmail" "version" "7.2.25" "os" "Windows")');
    expect(id.untagged).toEqual([
      '* ID ("name" "jdmail" "vendor" "jdmail" "support-url" "https://mail.test/")',
    ]);
    expect(id.status).toBe('a OK ID completed');
    await c.command('b', `LOGIN ${alice.address} secret`);
    expect((await c.command('c', 'ID NIL')).status).toBe('c OK ID completed');
    expect((await c.command('d', 'ENABLE QRESYNC FOO')).untagged).toEqual(['* ENABLED CONDSTORE QRESYNC']);
    expect((await c.command('e', 'ENABLE CONDSTORE UTF8=ACCEPT')).untagged).toEqual([
      '* ENABLED UTF8=ACCEPT',
    ]);
    expect((await c.command('f', 'NAMESPACE')).untagged).toEqual(['* NAMESPACE (("" "/")) NIL NIL']);
  });

  it('LOGOUT says BYE with text (Outlook wants it), then OK, then closes', async () => {
    const c = await h.login(alice);
    const { untagged, status } = await c.command('z', 'LOGOUT');
    expect(untagged).toEqual(['* BYE mail.test IMAP server logging out']);
    expect(status).toBe('z OK LOGOUT completed');
    await c.closedByServer();
  });

  it('an admin ending the session, a disabled user or a changed password: * BYE at once', async () => {
    const c = await h.login(alice);
    await c.command('a', 'SELECT INBOX');
    h.tracker.revoke(alice.id, 'user_disabled');
    expect(await c.line()).toBe('* BYE Account disabled');
    await c.closedByServer();
  });
});
