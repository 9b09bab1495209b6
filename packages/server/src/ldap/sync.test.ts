import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import {
  companyLdif,
  groupLdif,
  type Person,
  people,
  personDn,
  personLdif,
} from '../../../../test/harness/directory-fixture.js';
import { type Slapd, startSlapd } from '../../../../test/harness/slapd.js';
import type { LdapSourceConfig } from '../config/index.js';
import { type AddressBook, createAddressBook, type Directory } from '../directory/index.js';
import { createTestDirectory } from '../directory/testing/test-directory.js';
import { type Database, openDatabase } from '../store/index.js';
import { createLogger } from '../telemetry/index.js';
import { createLdapAuthenticator, type LdapAuthenticator } from './authenticator.js';
import type { UserEvent } from './events.js';
import type { DirectorySync } from './service.js';
import { resolveSource } from './source.js';
import { createTestSync } from './testing/test-sync.js';

const SUFFIX = 'dc=example,dc=com';
const PEOPLE = `ou=people,${SUFFIX}`;
const STAFF = 1500;
const databases = useDatabases();
const log = createLogger({ level: 'silent' });

export function sourceConfig(slapd: Slapd, extra: Partial<LdapSourceConfig> = {}): LdapSourceConfig {
  return {
    name: 'corp',
    preset: 'openldap',
    url: slapd.url,
    startTls: false,
    caFile: '',
    bindDn: `cn=jdmail,ou=services,${SUFFIX}`,
    bindPassword: 'service-secret',
    bindPasswordFile: '',
    bindPasswordEnv: '',
    baseDn: SUFFIX,
    userBaseDns: [PEOPLE],
    groupBaseDns: [`ou=groups,${SUFFIX}`],
    // Leavers are marked in the directory and filtered out: to jdmail they are gone.
    userFilter: '(&(objectClass=inetOrgPerson)(!(employeeType=left)))',
    groupFilter: '',
    syncGroups: true,
    attributes: {},
    domain: 'example.com',
    disableGraceSeconds: 0,
    maxDisablePercent: 10,
    pageSize: 200,
    timeoutMs: 3000,
    ...extra,
  };
}

describe.each(databases.engines)('LDAP sync against a real slapd, on %s', (engine) => {
  const staff = people(STAFF);
  const dn = (p: Person) => personDn(p, SUFFIX);
  const byUid = (uid: string) => staff.find((p) => p.uid === uid) as Person;
  let slapd: Slapd;
  let database: Database;
  let directory: Directory;
  let addressBook: AddressBook;
  let auth: LdapAuthenticator;
  let sync: DirectorySync;
  const events: UserEvent[] = [];

  const enabledSynced = async () =>
    Number(
      (
        await database.db
          .selectFrom('users')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('source', '=', 'corp')
          .where('enabled', '=', 1)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const run = async (request: Partial<Parameters<DirectorySync['run']>[0]> = {}) =>
    (await sync.run({ trigger: 'cli', ...request })).run;

  beforeAll(async () => {
    slapd = await startSlapd();
    const platform = staff.filter((p) => p.department.join('/') === 'Engineering/Platform');
    await slapd.add(
      companyLdif(SUFFIX, staff) +
        groupLdif(SUFFIX, 'platform-team', platform.map(dn)) +
        groupLdif(SUFFIX, 'managers', [dn(byUid('u00000')), dn(byUid('u00001'))], 'managers@example.com') +
        // Entries the sync must not take: a local user's address, a foreign domain, no address at all.
        personLdif(
          { uid: 'ceo', cn: 'The CEO', mail: 'ceo@example.com', department: ['Sales'], password: 'pw-ceo' },
          SUFFIX,
        ) +
        personLdif(
          { uid: 'ext', cn: 'Ext Ern', mail: 'ext@partner.net', department: ['Sales'], password: 'pw-ext' },
          SUFFIX,
        ),
    );
    database = await openDatabase(await databases.fresh(engine));
    const source = resolveSource(sourceConfig(slapd));
    auth = createLdapAuthenticator({ sources: [source], cacheTtlMs: 60_000, log });
    directory = createTestDirectory(database.db, {
      externalAuth: auth,
      // As main.ts builds it: lookups reused, each sync batch empties the cache.
      recipientCacheMs: 60_000,
    });
    addressBook = createAddressBook(database.db);
    await directory.createDomain('example.com');
    await directory.createUser({ address: 'ceo@example.com', password: 'local-ceo-password' });
    sync = createTestSync(
      database.db,
      [source],
      log,
      (e) => events.push(e),
      () => directory.noteDirectoryChanged(),
    );
  });
  afterAll(async () => {
    await sync?.stop();
    await database?.close();
    await slapd?.stop();
  });

  it('a dry run reports the whole diff — read with paged searches — and changes nothing', async () => {
    const r = await run({ dryRun: true });
    expect(r.error).toBeNull();
    expect(r.status).toBe('succeeded');
    // The service account may read 500 entries per plain search (slapd sizelimit): 1,502 need paging.
    expect(r.report?.counts).toMatchObject({
      directoryUsers: STAFF + 2,
      directoryGroups: 2,
      create: STAFF,
      conflicts: 1,
      skipped: 1,
      groupsCreated: 7,
    });
    expect(r.report?.conflicts).toEqual([
      {
        address: 'ceo@example.com',
        dn: `uid=ceo,ou=Sales,${PEOPLE}`,
        reason: 'it is the address of a local user',
      },
    ]);
    expect(r.report?.skipped).toEqual([
      { dn: `uid=ext,ou=Sales,${PEOPLE}`, reason: 'domain partner.net is not served here' },
    ]);
    expect(await enabledSynced()).toBe(0);
    expect(events).toEqual([]);
    expect((await addressBook.departments('example.com')).length).toBe(0);
  });

  it('a full run creates users, departments from the OU tree, groups and memberships, in seconds', async () => {
    const started = Date.now();
    const r = await run();
    const seconds = (Date.now() - started) / 1000;
    expect(r.status).toBe('succeeded');
    expect(r.report?.counts.create).toBe(STAFF);
    expect(seconds).toBeLessThan(30);
    expect(await enabledSynced()).toBe(STAFF);
    const u = await directory.getUser('u00006@example.com');
    expect(u).toMatchObject({ displayName: 'User 6', source: 'corp', hasPassword: false, enabled: true });
    // The local CEO was reported, not touched.
    expect((await directory.getUser('ceo@example.com')).source).toBeNull();
    const tree = await addressBook.departments('example.com');
    expect(tree.map((d) => [d.name, d.memberCount, d.children.map((c) => [c.name, c.memberCount])])).toEqual([
      [
        'Engineering',
        300,
        [
          ['Platform', 300],
          ['Web', 300],
        ],
      ],
      ['Sales', 300, []],
      ['Support', 300, []],
    ]);
    const entry = (await addressBook.search({ q: 'u00006@', visibleDomains: null, limit: 5 })).items[0];
    expect(entry?.departments.map((d) => d.name)).toEqual(['Platform']);
    const managers = (await addressBook.search({ q: 'managers', visibleDomains: null, limit: 5 })).items;
    expect(managers).toEqual([
      {
        kind: 'group',
        address: 'managers@example.com',
        name: 'managers',
        domain: 'example.com',
        departments: [],
        groupKind: 'group',
      },
    ]);
    expect(events.filter((e) => e.type === 'user.created')).toHaveLength(STAFF);
    expect(events[0]).toMatchObject({
      source: 'corp',
      user: { address: expect.stringMatching(/@example\.com$/) },
    });
    const resolution = await directory.resolveRecipient('managers@example.com');
    expect(resolution?.users.map((x) => x.address)).toEqual(['u00000@example.com', 'u00001@example.com']);
    // A second full run finds nothing to do.
    const again = await run();
    expect(again.report?.counts).toMatchObject({ create: 0, update: 0, disable: 0, membershipsAdded: 0 });
  });

  it('signs synced users in by LDAP bind; wrong and empty passwords fail', async () => {
    auth.forget();
    expect((await directory.authenticate('u00007@example.com', 'pw-u00007'))?.address).toBe(
      'u00007@example.com',
    );
    expect(await directory.authenticate('u00007@example.com', 'pw-u00008')).toBeNull();
    expect(await directory.authenticate('u00007@example.com', '')).toBeNull();
    // Filter injection: a hostile id finds no entry (it is a value in a filter object, never filter text).
    const victim = await directory.getUser('u00009@example.com');
    const { external_id: realId } = await database.db
      .selectFrom('users')
      .select('external_id')
      .where('id', '=', victim.id)
      .executeTakeFirstOrThrow();
    for (const hostile of ['*', '*)(objectClass=*', `${victim.id})(|(uid=*`]) {
      await database.db
        .updateTable('users')
        .set({ external_id: hostile })
        .where('id', '=', victim.id)
        .execute();
      expect(await directory.authenticate('u00009@example.com', 'pw-u00009')).toBeNull();
    }
    await database.db.updateTable('users').set({ external_id: null }).where('id', '=', victim.id).execute();
    expect(await directory.authenticate('u00009@example.com', 'pw-u00009')).toBeNull();
    await database.db.updateTable('users').set({ external_id: realId }).where('id', '=', victim.id).execute();
    expect((await directory.authenticate('u00009@example.com', 'pw-u00009'))?.address).toBe(
      'u00009@example.com',
    );
    // The local user still signs in with the local password.
    expect((await directory.authenticate('ceo@example.com', 'local-ceo-password'))?.address).toBe(
      'ceo@example.com',
    );
  });

  it('follows changes: incremental picks up edits, renames and moves; full finds the removed', async () => {
    events.length = 0;
    const ann = byUid('u00010'); // Engineering
    const bob = byUid('u00011'); // Engineering/Platform
    const cat = byUid('u00012'); // Engineering/Web
    const dan = byUid('u00013'); // Sales
    const eve = byUid('u00014'); // Support
    const catId = (await directory.getUser(cat.mail)).id;
    await slapd.modify(
      [
        `dn: ${dn(ann)}\nchangetype: modify\nreplace: cn\ncn: Ann Renamed\n`,
        // bob moves from Platform to Sales
        `dn: ${dn(bob)}\nchangetype: modrdn\nnewrdn: uid=${bob.uid}\ndeleteoldrdn: 1\nnewsuperior: ou=Sales,${PEOPLE}\n`,
        // cat is renamed (new RDN) and gets a new address
        `dn: ${dn(cat)}\nchangetype: modrdn\nnewrdn: uid=cat\ndeleteoldrdn: 0\n`,
        `dn: uid=cat,ou=Web,ou=Engineering,${PEOPLE}\nchangetype: modify\nreplace: mail\nmail: cat@example.com\n`,
        `dn: ${dn(dan)}\nchangetype: delete\n`,
        `dn: ${dn(eve)}\nchangetype: modify\nadd: employeeType\nemployeeType: left\n`,
        personLdif(
          {
            uid: 'new1',
            cn: 'New Hire',
            mail: 'new1@example.com',
            department: ['Support'],
            password: 'pw-new1',
          },
          SUFFIX,
        ).replace(/^dn: (.*)$/m, 'dn: $1\nchangetype: add'),
      ].join('\n'),
    );
    const inc = await run({ mode: 'incremental' });
    expect(inc.mode).toBe('incremental');
    expect(inc.report?.counts).toMatchObject({ create: 1, update: 3, disable: 0 });
    expect(inc.report?.update.map((u) => [u.address, u.changes]).sort()).toEqual([
      ['cat@example.com', ['address', 'dn']],
      [ann.mail, ['displayName']],
      [bob.mail, ['dn', 'department']],
    ]);
    expect((await directory.getUser('cat@example.com')).id).toBe(catId);
    expect((await directory.getUser(ann.mail)).displayName).toBe('Ann Renamed');
    const bobEntry = (await addressBook.search({ q: bob.mail, visibleDomains: null, limit: 1 })).items[0];
    expect(bobEntry?.departments.map((d) => d.name)).toEqual(['Sales']);
    // Not seen by an incremental run: still enabled, and takes mail.
    expect((await directory.getUser(dan.mail)).enabled).toBe(true);
    expect((await directory.resolveRecipient(dan.mail))?.users).toHaveLength(1);

    const full = await run();
    expect(full.report?.disable.map((d) => [d.address, d.reason]).sort()).toEqual([
      [dan.mail, 'removed from the directory'],
      [eve.mail, 'removed from the directory'],
    ]);
    expect((await directory.getUser(dan.mail)).enabled).toBe(false);
    // At once, though the lookup above was cached: the sync told the directory.
    expect(await directory.resolveRecipient(dan.mail)).toMatchObject({ users: [], disabled: true });
    expect(await directory.authenticate(eve.mail, eve.password)).toBeNull();
    expect((await directory.getUser(ann.mail)).enabled).toBe(true);
    expect(events.map((e) => e.type).sort()).toEqual([
      'user.created',
      'user.disabled',
      'user.disabled',
      'user.updated',
      'user.updated',
      'user.updated',
    ]);
  });

  it('the safety stop holds a run that would disable too many, until forced', async () => {
    const leavers = staff.slice(100, 300); // 200 of ~1,500: over 10%
    await slapd.modify(
      leavers
        .map((p) => `dn: ${dn(p)}\nchangetype: modify\nadd: employeeType\nemployeeType: left\n`)
        .join('\n'),
    );
    const before = await enabledSynced();
    const held = await run();
    expect(held.status).toBe('safety_stop');
    expect(held.report?.safetyStop).toMatchObject({ wouldDisable: 200, syncedUsers: before, maxPercent: 10 });
    expect(await enabledSynced()).toBe(before);
    const forced = await run({ force: true });
    expect(forced.status).toBe('succeeded');
    expect(forced.forced).toBe(true);
    expect(await enabledSynced()).toBe(before - 200);
  });

  it('re-enables users who come back, even as a new entry with the same address', async () => {
    const back = staff[100] as Person;
    await slapd.modify(`dn: ${dn(back)}\nchangetype: delete\n`);
    await slapd.add(personLdif(back, SUFFIX));
    const r = await run();
    expect(r.report?.enable.map((e) => e.address)).toEqual([back.mail]);
    expect((await directory.getUser(back.mail)).enabled).toBe(true);
    auth.forget();
    expect((await directory.authenticate(back.mail, back.password))?.address).toBe(back.mail);
  });

  it('runs one sync per source at a time: a second request gets the running one', async () => {
    const first = await sync.start({ trigger: 'api', dryRun: true });
    const second = await sync.start({ trigger: 'api' });
    let finished = await sync.get(first.run.id);
    for (let i = 0; i < 200 && finished.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      finished = await sync.get(first.run.id);
    }
    expect(first.started).toBe(true);
    expect([second.started, second.run.id, second.run.dryRun]).toEqual([false, first.run.id, true]);
    expect(finished.status).toBe('succeeded');
    const history = await sync.list({ limit: 3 });
    expect(history.items[0]?.id).toBe(first.run.id);
  });

  it('directory down: sign-in is a temporary failure (cached sign-ins still work), a sync fails cleanly', async () => {
    const p = byUid('u00020');
    auth.forget();
    expect((await directory.authenticate(p.mail, p.password))?.address).toBe(p.mail);
    await slapd.halt();
    try {
      // Remembered for the cache TTL, even now.
      expect((await directory.authenticate(p.mail, p.password))?.address).toBe(p.mail);
      auth.forget();
      await expect(directory.authenticate(p.mail, p.password)).rejects.toMatchObject({
        code: 'DIRECTORY_UNAVAILABLE',
        status: 503,
      });
      const r = await run();
      expect(r.status).toBe('failed');
      expect(r.error?.code).toBe('DIRECTORY_UNAVAILABLE');
      expect(r.error?.message).toMatch(/cannot be reached.*ECONNREFUSED/);
    } finally {
      await slapd.start();
    }
    expect((await directory.authenticate(p.mail, p.password))?.address).toBe(p.mail);
  });
});
