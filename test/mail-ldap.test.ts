import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from './harness/databases.js';
import { companyLdif, type Person, people } from './harness/directory-fixture.js';
import { RawImap } from './harness/imap-raw.js';
import { poplib, resultOf } from './harness/poplib.js';
import { runCli, startServer, type TestServer } from './harness/server.js';
import { type Slapd, startSlapd } from './harness/slapd.js';

// IMAP and POP3 sign-in with a directory password, checked by an LDAP bind against a real slapd,
// exactly as SMTP AUTH does it; and a directory that is down answers NO [UNAVAILABLE] (RFC 5530) /
// -ERR [SYS/TEMP] (RFC 3206), never "wrong password", and costs the user nothing in the login guard.
const SUFFIX = 'dc=example,dc=com';
const databases = useDatabases();

describe('IMAP and POP3 with LDAP sign-in', () => {
  let slapd: Slapd;
  let server: TestServer;
  const [ann] = people(1) as [Person];

  beforeAll(async () => {
    slapd = await startSlapd();
    await slapd.add(companyLdif(SUFFIX, [ann]));
    const ldap = {
      JDMAIL_LDAP_SOURCES: JSON.stringify([
        {
          name: 'corp',
          url: slapd.url,
          bindDn: `cn=jdmail,ou=services,${SUFFIX}`,
          bindPasswordEnv: 'CORP_BIND_PASSWORD',
          baseDn: SUFFIX,
          userBaseDns: [`ou=people,${SUFFIX}`],
          groupBaseDns: [`ou=groups,${SUFFIX}`],
          domain: 'example.com',
        },
      ]),
      CORP_BIND_PASSWORD: 'service-secret',
      JDMAIL_LDAP_SYNC_INTERVAL_SECONDS: '0',
      JDMAIL_LDAP_AUTH_CACHE_SECONDS: '0',
    };
    const db = await databases.fresh('sqlite');
    server = await startServer({ databaseUrl: db.databaseUrl, env: ldap });
    const env = { ...ldap, JDMAIL_DATA_DIR: server.dataDir };
    await runCli(['domain', 'add', 'example.com'], env);
    await runCli(['ldap', 'sync'], env);
  });
  afterAll(async () => {
    await server?.destroy();
    await slapd?.stop();
  });

  const signIn = (password: string) =>
    poplib(server.pop3sPort, [['user', ann.mail], ['pass', password], ['stat'], ['quit']], 'ssl');

  /** LOGIN over IMAPS, then STATUS INBOX; the tagged answers of both (the second only after a login). */
  const imapSignIn = async (password: string) => {
    const c = await RawImap.connect(server.imapsPort, { tls: true });
    try {
      await c.line();
      const login = await c.command('a', `LOGIN ${ann.mail} "${password}"`);
      const status = login.status.startsWith('a OK') ? await c.command('b', 'STATUS INBOX (MESSAGES)') : null;
      return { login: login.status, status };
    } finally {
      c.close();
    }
  };

  it('IMAP: signs in with the directory password; a wrong one is NO [AUTHENTICATIONFAILED]', async () => {
    const good = await imapSignIn(ann.password);
    expect(good.login).toMatch(/^a OK /);
    expect(good.status?.untagged).toEqual(['* STATUS "INBOX" (MESSAGES 0)']);
    expect((await imapSignIn('not-the-password')).login).toBe(
      'a NO [AUTHENTICATIONFAILED] Authentication failed',
    );
  });

  it('IMAP, directory down: NO [UNAVAILABLE], never "wrong password"; no failure is counted', async () => {
    await slapd.halt();
    try {
      for (let i = 0; i < 7; i++)
        expect((await imapSignIn(ann.password)).login).toMatch(
          /^a NO \[UNAVAILABLE\] Temporary authentication failure/,
        );
    } finally {
      await slapd.start();
    }
    expect((await imapSignIn(ann.password)).login).toMatch(/^a OK /);
    expect(server.output.join('\n')).not.toContain(ann.password);
  });

  it('POP3: signs in with the directory password; a wrong one is refused as a failed login', async () => {
    expect(resultOf(await signIn(ann.password).then((o) => o[2]))).toMatch(
      /^\+OK u00000@example\.com has 0 messages/,
    );
    expect((await signIn('not-the-password'))[2]).toEqual({
      ok: false,
      error: '-ERR [AUTH] Authentication failed',
    });
  });

  it('POP3, directory down: -ERR [SYS/TEMP], never "wrong password"; no failure is counted', async () => {
    await slapd.halt();
    try {
      // More tries than the guard's free failures: none of them is counted against the user.
      for (let i = 0; i < 7; i++) {
        expect((await signIn(ann.password))[2]).toEqual({
          ok: false,
          error: '-ERR [SYS/TEMP] Temporary authentication failure; try again later',
        });
      }
    } finally {
      await slapd.start();
    }
    expect(resultOf((await signIn(ann.password))[2])).toMatch(/^\+OK /);
    expect(server.output.join('\n')).not.toContain(ann.password);
  });
});
