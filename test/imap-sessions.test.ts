import { JdMail } from '@jdmail/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from './harness/databases.js';
import { rawImap } from './harness/imap-clients.js';
import type { RawImap } from './harness/imap-raw.js';
import { RawPop3 } from './harness/pop3-raw.js';
import { logUntil, runCli, type TestServer } from './harness/server.js';
import { startWithAliceAndBob } from './harness/smtp-users.js';

// Who may stay logged in over IMAP, end to end: an admin's "end sessions", a disabled account
// and a changed password close open sessions (IDLE included) with `* BYE` within seconds
// (issue 19 item 5), whichever process made the change; wrong passwords count in the one login
// guard every sign-in path shares.
const databases = useDatabases();
const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
/** Generous: the registry is checked every 2 s; the machine may be loaded. */
const WITHIN_MS = 15_000;

async function selected(
  server: TestServer,
  user: string,
  pass: string,
  localAddress?: string,
): Promise<RawImap> {
  const imap = await rawImap(server, { user, pass }, { tls: true, localAddress });
  expect((await imap.command('s', 'SELECT INBOX')).status).toMatch(/^s OK/);
  return imap;
}

/** The line the server sends as it ends the session, then its close. */
async function endedWith(imap: RawImap): Promise<string> {
  const line = await imap.line(WITHIN_MS);
  await imap.closedByServer(WITHIN_MS);
  return line;
}

describe.each(databases.engines)('IMAP sessions on %s', (engine) => {
  let server: TestServer;
  let env: Record<string, string>;
  let jd: JdMail;

  beforeAll(async () => {
    ({ server, env } = await startWithAliceAndBob(await databases.fresh(engine)));
    jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
  });
  afterAll(() => server?.destroy());

  it('an admin’s "end sessions" sends * BYE to the user’s sessions at once, in IDLE too; they are listed until then', async () => {
    const a1 = await selected(server, ALICE, 'alice-password');
    const a2 = await selected(server, ALICE, 'alice-password');
    a2.write('i IDLE\r\n');
    expect(await a2.line()).toBe('+ idling');
    const bob = await selected(server, BOB, 'bob-password');
    expect((await jd.sso.listSessions(ALICE)).filter((s) => s.channel === 'imap')).toHaveLength(2);
    await jd.sso.revokeSessions(ALICE);
    expect(await endedWith(a1)).toBe('* BYE Session ended by an administrator');
    expect(await endedWith(a2)).toBe('* BYE Session ended by an administrator');
    expect((await bob.command('n', 'NOOP')).status).toBe('n OK NOOP completed');
    bob.close();
  });

  it('disabling the user (API, or the CLI in another process) ends their sessions; a password change too', async () => {
    const alice = await selected(server, ALICE, 'alice-password');
    await jd.users.disable(ALICE);
    expect(await endedWith(alice)).toBe('* BYE Account disabled');
    const again = await rawImap(server);
    expect((await again.command('l', `LOGIN ${ALICE} alice-password`)).status).toBe(
      'l NO [AUTHENTICATIONFAILED] Authentication failed',
    );
    again.close();
    await jd.users.enable(ALICE);

    const bob = await selected(server, BOB, 'bob-password');
    await runCli(['user', 'disable', BOB], env); // this process learns of it from its periodic check
    expect(await endedWith(bob)).toBe('* BYE Account disabled');
    await jd.users.enable(BOB);

    const changed = await selected(server, ALICE, 'alice-password');
    await jd.users.update(ALICE, { password: 'alice-password-2' });
    expect(await endedWith(changed)).toBe('* BYE Password changed; log in again');
    (await selected(server, ALICE, 'alice-password-2')).close();
    await jd.users.update(ALICE, { password: 'alice-password' });
  });

  it('wrong passwords over IMAP count in the one login guard: POP3 then asks the same address to wait', async () => {
    const from = '127.0.0.5';
    const imap = await rawImap(server, undefined, { localAddress: from });
    const answers: string[] = [];
    for (let i = 0; i < 8; i++)
      answers.push((await imap.command(`t${i}`, `LOGIN ${ALICE} guess-${i}`)).status);
    expect(answers.slice(0, 5)).toEqual(
      Array.from({ length: 5 }, (_, i) => `t${i} NO [AUTHENTICATIONFAILED] Authentication failed`),
    );
    for (const refused of answers.slice(6))
      expect(refused).toMatch(/NO \[UNAVAILABLE\] Too many failed logins; try again in \d+ seconds?$/);
    const pop = await RawPop3.connect(server.pop3Port, { localAddress: from });
    await pop.line();
    await pop.command(`USER ${ALICE}`);
    expect(await pop.command('PASS alice-password')).toMatch(/^-ERR \[AUTH\] Too many failed logins/);
    pop.close();
    // Another address is another guesser: the real user logs in from there.
    (await rawImap(server, { user: ALICE, pass: 'alice-password' }, { localAddress: '127.0.0.6' })).close();
    imap.close();
    const log = await logUntil(server, /"msg":"imap authentication failed"/);
    expect(log).not.toContain('guess-');
  });
});
