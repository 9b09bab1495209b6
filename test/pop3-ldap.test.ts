import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from './harness/databases.js';
import { companyLdif, type Person, people } from './harness/directory-fixture.js';
import { poplib, resultOf } from './harness/poplib.js';
import { runCli, startServer, type TestServer } from './harness/server.js';
import { type Slapd, startSlapd } from './harness/slapd.js';

// POP3 sign-in with a directory password, checked by an LDAP bind against a real slapd, exactly
// as SMTP AUTH does it; and a directory that is down answers -ERR [SYS/TEMP] (RFC 3206), never
// "wrong password", and costs the user nothing in the login guard.
const SUFFIX = 'dc=example,dc=com';
const databases = useDatabases();

describe('POP3 with LDAP sign-in', () => {
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

  it('signs in with the directory password; a wrong one is refused as a failed login', async () => {
    expect(resultOf(await signIn(ann.password).then((o) => o[2]))).toMatch(
      /^\+OK u00000@example\.com has 0 messages/,
    );
    expect((await signIn('not-the-password'))[2]).toEqual({
      ok: false,
      error: '-ERR [AUTH] Authentication failed',
    });
  });

  it('directory down: -ERR [SYS/TEMP], never "wrong password"; no failure is counted', async () => {
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
