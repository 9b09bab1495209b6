import { JdMail } from '@jdmail/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from './harness/databases.js';
import { RawPop3 } from './harness/pop3-raw.js';
import { logUntil, runCli, type TestServer } from './harness/server.js';
import { webSignIn } from './harness/sign-in.js';
import { startWithAliceAndBob } from './harness/smtp-users.js';

// Who may stay signed in over POP3, end to end: a disabled account, a changed password and an
// admin's "end sessions" close open sessions within seconds (issue 19 item 5), whichever process
// made the change; wrong passwords count in the one login guard every sign-in path shares.
const databases = useDatabases();
const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
/** Generous: the registry is checked every 2 s; the machine may be loaded. */
const WITHIN_MS = 15_000;

/** A POP3S session signed in as `user`, from `localAddress`. */
async function signedIn(server: TestServer, user: string, password: string, localAddress?: string) {
  const pop = await RawPop3.connect(server.pop3sPort, { tls: true, localAddress });
  expect(await pop.line()).toMatch(/^\+OK /);
  expect(await pop.command(`USER ${user}`)).toMatch(/^\+OK/);
  expect(await pop.command(`PASS ${password}`)).toMatch(/^\+OK /);
  return pop;
}

/** The line the server sends as it ends the session, then its close. */
async function endedWith(pop: RawPop3): Promise<string> {
  const line = await pop.line(WITHIN_MS);
  await pop.closedByServer(WITHIN_MS);
  return line;
}

describe.each(databases.engines)('POP3 sessions on %s', (engine) => {
  let server: TestServer;
  let env: Record<string, string>;
  let jd: JdMail;

  beforeAll(async () => {
    ({ server, env } = await startWithAliceAndBob(await databases.fresh(engine)));
    jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
  });
  afterAll(() => server?.destroy());

  it('an admin’s "end sessions" closes the user’s POP3 sessions at once, and they are listed until then', async () => {
    const [a1, a2] = [
      await signedIn(server, ALICE, 'alice-password'),
      await signedIn(server, ALICE, 'alice-password'),
    ];
    const bob = await signedIn(server, BOB, 'bob-password');
    const listed = await jd.sso.listSessions(ALICE);
    expect(listed.filter((s) => s.channel === 'pop3')).toHaveLength(2);
    await jd.sso.revokeSessions(ALICE);
    expect(await endedWith(a1)).toBe('-ERR [AUTH] Session ended by an administrator');
    expect(await endedWith(a2)).toBe('-ERR [AUTH] Session ended by an administrator');
    expect(await bob.command('NOOP')).toBe('+OK');
    expect(await bob.command('QUIT')).toMatch(/^\+OK/);
    // Bob's session leaves the list once the server has seen his connection close.
    for (let i = 0; (await jd.sso.listSessions(BOB)).some((x) => x.channel === 'pop3'); i++) {
      if (i > 100) throw new Error('bob’s POP3 session is still listed after QUIT');
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  it('disabling the user (API, or the CLI in another process) closes their sessions within seconds', async () => {
    const alice = await signedIn(server, ALICE, 'alice-password');
    const bob = await signedIn(server, BOB, 'bob-password');
    await jd.users.disable(ALICE);
    expect(await endedWith(alice)).toBe('-ERR [AUTH] Account disabled');
    const again = await RawPop3.connect(server.pop3sPort, { tls: true });
    await again.line();
    await again.command(`USER ${ALICE}`);
    expect(await again.command('PASS alice-password')).toBe('-ERR [AUTH] Authentication failed');
    again.close();
    await jd.users.enable(ALICE);

    // The CLI changes the database directly: this process learns of it only from its periodic check.
    await runCli(['user', 'disable', BOB], env);
    expect(await endedWith(bob)).toBe('-ERR [AUTH] Account disabled');
    await jd.users.enable(BOB);
  });

  it('a password change closes the session; the new password signs in', async () => {
    const alice = await signedIn(server, ALICE, 'alice-password');
    await jd.users.update(ALICE, { password: 'alice-password-2' });
    expect(await endedWith(alice)).toBe('-ERR [AUTH] Password changed; sign in again');
    const next = await signedIn(server, ALICE, 'alice-password-2');
    expect(await next.command('QUIT')).toMatch(/^\+OK/);
    await jd.users.update(ALICE, { password: 'alice-password' });
  });

  it('wrong passwords over POP3 count in the one login guard: the webmail then asks the same address to wait', async () => {
    const from = '127.0.0.5';
    const pop = await RawPop3.connect(server.pop3Port, { localAddress: from });
    await pop.line();
    const answers: string[] = [];
    for (let i = 0; i < 8; i++) {
      // Plaintext from loopback is allowed by default; the session stays open between tries.
      expect(await pop.command(`USER ${ALICE}`)).toMatch(/^\+OK/);
      answers.push(await pop.command(`PASS guess-${i}`));
    }
    expect(answers.slice(0, 5)).toEqual(Array(5).fill('-ERR [AUTH] Authentication failed'));
    for (const refused of answers.slice(6))
      expect(refused).toMatch(/^-ERR \[AUTH\] Too many failed logins; try again in \d+ seconds?$/);
    // The same budget holds for the webmail sign-in from that address, right password or not.
    const web = await webSignIn(server, ALICE, 'alice-password', from);
    expect(web.code).toBe(429);
    expect(web.retryAfter).toBeGreaterThan(0);
    // Another address is another guesser: the real user signs in from there.
    const elsewhere = await signedIn(server, ALICE, 'alice-password', '127.0.0.6');
    expect(await elsewhere.command('QUIT')).toMatch(/^\+OK/);
    pop.close();
    const log = await logUntil(server, /"msg":"pop3 authentication failed"/);
    expect(log).not.toContain('guess-');
  });
});
