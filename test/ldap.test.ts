import { JdMail } from '@jdmail/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from './harness/databases.js';
import {
  companyLdif,
  groupLdif,
  type Person,
  people,
  personDn,
  personLdif,
} from './harness/directory-fixture.js';
import { runCli, runCliOnTerminal, runCliResult, startServer, type TestServer } from './harness/server.js';
import { type Slapd, startSlapd } from './harness/slapd.js';
import { smtplib } from './harness/smtplib.js';
import { tempDirs } from './harness/tmp.js';

// LDAP end to end: the built server and CLI against a real slapd — sync from
// the CLI (plain lines and a terminal's progress bar) and from the API/SDK,
// the address book as a directory user signed in with their directory
// password, SMTP AUTH by LDAP bind, the safety stop's exit code, the
// directory going down (454 4.7.0 / 503), and the scheduled sync.

const SUFFIX = 'dc=example,dc=com';
const BIND_PASSWORD = 'service-secret';
const databases = useDatabases();
const dirs = tempDirs();
afterAll(() => dirs.removeAll());

function ldapEnv(slapd: Slapd, extra: Record<string, unknown> = {}): Record<string, string> {
  return {
    JDMAIL_LDAP_SOURCES: JSON.stringify([
      {
        name: 'corp',
        url: slapd.url,
        bindDn: `cn=jdmail,ou=services,${SUFFIX}`,
        bindPasswordEnv: 'CORP_BIND_PASSWORD',
        baseDn: SUFFIX,
        userBaseDns: [`ou=people,${SUFFIX}`],
        groupBaseDns: [`ou=groups,${SUFFIX}`],
        userFilter: '(&(objectClass=inetOrgPerson)(!(employeeType=left)))',
        domain: 'example.com',
        ...extra,
      },
    ]),
    CORP_BIND_PASSWORD: BIND_PASSWORD,
  };
}

/** Submission with a directory user's password, over STARTTLS, with Python's smtplib. */
const submit = (port: number, from: string, to: string, login: string, password: string) =>
  smtplib(port, from, to, 'via LDAP', '--starttls', '--login', login, password);

const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

describe.each(databases.engines)('LDAP end to end on %s', (engine) => {
  const staff = people(60);
  const [ann, bob] = staff as [Person, Person];
  let slapd: Slapd;
  let server: TestServer;
  let env: Record<string, string>;
  let jd: JdMail;

  beforeAll(async () => {
    slapd = await startSlapd();
    await slapd.add(
      companyLdif(SUFFIX, staff) +
        groupLdif(SUFFIX, 'managers', [personDn(ann, SUFFIX), personDn(bob, SUFFIX)], 'managers@example.com'),
    );
    const db = await databases.fresh(engine);
    const ldap = {
      ...ldapEnv(slapd),
      JDMAIL_LDAP_SYNC_INTERVAL_SECONDS: '0',
      JDMAIL_LDAP_AUTH_CACHE_SECONDS: '0',
    };
    server = await startServer({ databaseUrl: db.databaseUrl, env: ldap });
    env = {
      ...ldap,
      JDMAIL_DATA_DIR: server.dataDir,
      ...(db.databaseUrl ? { JDMAIL_DATABASE_URL: db.databaseUrl } : {}),
    };
    jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
    await jd.domains.create('example.com');
  });
  afterAll(async () => {
    await server?.destroy();
    await slapd?.stop();
  });

  it('jdmail ldap sync --dry-run prints the diff and progress as plain lines, and changes nothing', async () => {
    const r = await runCliResult(['ldap', 'sync', '--dry-run'], env);
    expect(r.code).toBe(0);
    const out = r.stdout.split('\n');
    expect(out[0]).toMatch(/^ldap sync corp \(full, dry run\): succeeded in \d+\.\d s$/);
    expect(out).toContain('directory: 60 users, 1 groups');
    expect(out).toContain(
      'would create 60, update 0, disable 0, enable 0; pending disable 0, conflicts 0, skipped 0',
    );
    expect(out).toContain(`  ${ann.mail}  ${personDn(ann, SUFFIX)}`);
    expect(out).toContain('  … and 40 more');
    expect(r.stderr.split('\n')).toEqual(
      expect.arrayContaining([
        'ldap sync corp: reading the directory',
        'ldap sync corp: read 61 entries',
        'ldap sync corp: planning changes',
      ]),
    );
    expect(r.stderr).not.toContain('\x1b[');
    expect((await jd.users.list()).items).toEqual([]);
  });

  it('jdmail ldap sync on a terminal draws a progress bar, then the users are there', async () => {
    const r = await runCliOnTerminal(['ldap', 'sync'], env);
    expect(r.code).toBe(0);
    expect(r.output).toContain('\r\x1b[2Kldap sync corp: applying changes [');
    expect(r.output).toMatch(/\[#{20}\] 100% (\d+)\/\1/);
    expect(r.output).toContain('ldap sync corp (full): succeeded');
    const user = await jd.users.get(ann.mail);
    expect(user).toMatchObject({ source: 'corp', hasPassword: false, enabled: true });
  });

  it('the API runs a sync as a job; the SDK waits for it and lists the history', async () => {
    const started = await jd.directory.startSync({ dryRun: true });
    expect(started).toMatchObject({ source: 'corp', dryRun: true, trigger: 'api' });
    const done = await jd.directory.waitForSync(started.id, { intervalMs: 100 });
    expect(done.status).toBe('succeeded');
    expect(done.report?.counts).toMatchObject({ directoryUsers: 60, create: 0, update: 0 });
    const history = await jd.directory.listSyncs({ limit: 10 });
    expect(history.items.map((r) => [r.trigger, r.dryRun])).toEqual([
      ['api', true],
      ['cli', false],
      ['cli', true],
    ]);
  });

  it('a directory user reads their domain’s address book signed in with the directory password', async () => {
    const res = await fetch(`${server.baseUrl}/api/v1/directory/address-book?q=managers`, {
      headers: basic(ann.mail, ann.password),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { items: unknown[] }).items).toEqual([
      {
        kind: 'group',
        address: 'managers@example.com',
        name: 'managers',
        domain: 'example.com',
        departments: [],
        groupKind: 'group',
      },
    ]);
    const tree = await fetch(`${server.baseUrl}/api/v1/directory/departments`, {
      headers: basic(ann.mail, ann.password),
    });
    expect(((await tree.json()) as { items: { name: string }[] }).items.map((d) => d.name)).toEqual([
      'Engineering',
      'Sales',
      'Support',
    ]);
    const wrong = await fetch(`${server.baseUrl}/api/v1/directory/address-book`, {
      headers: basic(ann.mail, 'nope'),
    });
    expect(wrong.status).toBe(401);
  });

  it('SMTP AUTH on submission checks the directory password by LDAP bind', async () => {
    expect(await submit(server.submissionPort, ann.mail, bob.mail, ann.mail, ann.password)).toEqual({
      ok: true,
      refused: {},
    });
    const bad = await submit(server.submissionPort, ann.mail, bob.mail, ann.mail, bob.password);
    expect(bad).toMatchObject({ ok: false, code: 535 });
    const inbox = await jd.mail.listUnread(bob.mail);
    expect(inbox.items.map((m) => m.subject)).toEqual(['via LDAP']);
  });

  it('a run the safety stop holds exits 3 and changes nothing; --force applies it', async () => {
    const leavers = staff.slice(10, 20);
    await slapd.modify(
      leavers
        .map((p) => `dn: ${personDn(p, SUFFIX)}\nchangetype: modify\nadd: employeeType\nemployeeType: left\n`)
        .join('\n'),
    );
    const held = await runCliResult(['ldap', 'sync'], env);
    expect(held.code).toBe(3);
    expect(held.stdout).toContain('ldap sync corp (full): safety_stop');
    expect(held.stdout).toMatch(/safety stop: This run would disable 10 of 60 synced users \(16\.7%/);
    expect((await jd.users.get(leavers[0]?.mail ?? '')).enabled).toBe(true);
    const forced = await runCli(['ldap', 'sync', '--force', '--json'], env);
    const run = JSON.parse(forced);
    expect([run.status, run.forced, run.report.counts.disable]).toEqual(['succeeded', true, 10]);
    expect((await jd.users.get(leavers[0]?.mail ?? '')).enabled).toBe(false);
  });

  it('directory down: SMTP AUTH answers 454 4.7.0 and the API 503, never "wrong password"', async () => {
    await slapd.halt();
    try {
      const smtp = await submit(server.submissionPort, ann.mail, bob.mail, ann.mail, ann.password);
      expect(smtp).toMatchObject({ ok: false, code: 454 });
      expect(smtp.message).toMatch(/^4\.7\.0 /);
      const api = await fetch(`${server.baseUrl}/api/v1/directory/address-book`, {
        headers: basic(ann.mail, ann.password),
      });
      expect(api.status).toBe(503);
      expect(api.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(((await api.json()) as { code: string }).code).toBe('DIRECTORY_UNAVAILABLE');
      const cli = await runCliResult(['ldap', 'sync'], env);
      expect(cli.code).toBe(1);
      expect(cli.stdout).toContain(
        'error: The user directory cannot be reached; try again: connect ECONNREFUSED',
      );
    } finally {
      await slapd.start();
    }
    expect(await submit(server.submissionPort, ann.mail, bob.mail, ann.mail, ann.password)).toMatchObject({
      ok: true,
    });
  });

  it('never writes the bind password to a log', () => {
    expect(server.output.join('\n')).toContain('directory sync finished');
    expect(server.output.join('\n')).not.toContain(BIND_PASSWORD);
  });
});

describe('scheduled LDAP sync', () => {
  it('syncs on its own after the server starts, and on the interval', async () => {
    const slapd = await startSlapd();
    const dataDir = await dirs.make('jdmail-ldap-schedule-');
    let server: TestServer | undefined;
    try {
      await slapd.add(companyLdif(SUFFIX, people(5)));
      const env = { ...ldapEnv(slapd), JDMAIL_DATA_DIR: dataDir, JDMAIL_LDAP_SYNC_INTERVAL_SECONDS: '1' };
      await runCli(['domain', 'add', 'example.com'], env);
      const key = (
        await runCli(['apikey', 'create', '--name', 'ops', '--scopes', 'users:read,directory:read'], env)
      ).trim();
      server = await startServer({ dataDir, env });
      const jd = new JdMail({ baseUrl: server.baseUrl, token: key });
      const waitFor = async (cond: () => Promise<boolean>) => {
        for (let i = 0; i < 200 && !(await cond()); i++) await new Promise((r) => setTimeout(r, 100));
        return cond();
      };
      expect(await waitFor(async () => (await jd.users.list()).items.length === 5)).toBe(true);
      await slapd.add(personLdif(people(6)[5] as Person, SUFFIX));
      expect(await waitFor(async () => (await jd.users.list()).items.length === 6)).toBe(true);
      const runs = await jd.directory.listSyncs({ limit: 5 });
      expect(runs.items.every((r) => r.trigger === 'schedule')).toBe(true);
      expect(runs.items.map((r) => r.mode)).toContain('incremental');
    } finally {
      await server?.stop();
      await slapd.stop();
    }
  });
});
