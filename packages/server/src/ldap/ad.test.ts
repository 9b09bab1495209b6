import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import { AD_SCHEMA, type Slapd, startSlapd } from '../../../../test/harness/slapd.js';
import type { LdapSourceConfig } from '../config/index.js';
import { type AddressBook, createAddressBook, type Directory } from '../directory/index.js';
import { createTestDirectory } from '../directory/testing/test-directory.js';
import { type Database, openDatabase } from '../store/index.js';
import { createLogger } from '../telemetry/index.js';
import { createLdapAuthenticator, type LdapAuthenticator } from './authenticator.js';
import type { DirectorySync } from './service.js';
import { resolveSource } from './source.js';
import { createTestSync } from './testing/test-sync.js';

// The Active Directory preset against slapd with the AD attributes loaded from our own schema
// (test/harness/ad-lite.schema): objectGUID, userPrincipalName, proxyAddresses, department,
// userAccountControl, whenChanged, and the user / group / computer classes.
const SUFFIX = 'DC=corp,DC=example';
const databases = useDatabases();
const log = createLogger({ level: 'silent' });

const guid = (n: number) => Buffer.from(`${n.toString(16).padStart(2, '0')}${'ab'.repeat(15)}`, 'hex');

interface AdUser {
  cn: string;
  sam: string;
  upn: string;
  mail?: string;
  proxy?: string[];
  department?: string;
  uac: number;
  n: number;
  classes?: string[];
}

function userLdif(u: AdUser): string {
  return [
    `dn: CN=${u.cn},OU=Staff,${SUFFIX}`,
    ...(u.classes ?? ['user']).map((c) => `objectClass: ${c}`),
    `cn: ${u.cn}`,
    `sn: ${u.cn.split(' ').at(-1)}`,
    `sAMAccountName: ${u.sam}`,
    `userPrincipalName: ${u.upn}`,
    ...(u.mail ? [`mail: ${u.mail}`] : []),
    ...(u.proxy ?? []).map((p) => `proxyAddresses: ${p}`),
    `displayName: ${u.cn}`,
    ...(u.department ? [`department: ${u.department}`] : []),
    `userAccountControl: ${u.uac}`,
    `objectGUID:: ${guid(u.n).toString('base64')}`,
    'whenChanged: 20240601000000.0Z',
    `userPassword: pw-${u.sam}`,
    '',
    '',
  ].join('\n');
}

describe('Active Directory preset', () => {
  let slapd: Slapd;
  let database: Database;
  let directory: Directory;
  let addressBook: AddressBook;
  let auth: LdapAuthenticator;
  let sync: DirectorySync;
  let config: LdapSourceConfig;
  const run = async (extra: { mode?: 'full' | 'incremental'; dryRun?: boolean } = {}) =>
    (await sync.run({ trigger: 'api', ...extra })).run;

  beforeAll(async () => {
    slapd = await startSlapd({ suffix: SUFFIX, schemas: [AD_SCHEMA], memberOfGroupClass: 'group' });
    const users: AdUser[] = [
      {
        cn: 'Ann Lee',
        sam: 'ann',
        upn: 'ann@corp.example',
        mail: 'ann.lee@corp.example',
        proxy: [
          'SMTP:ann.lee@corp.example',
          'smtp:ann@corp.example',
          'smtp:ann@legacy.example',
          'X500:/o=Corp/cn=ann',
        ],
        department: 'Finance',
        uac: 512,
        n: 1,
      },
      // No mail attribute: the address comes from userPrincipalName.
      { cn: 'Bob Stone', sam: 'bob', upn: 'bob@corp.example', department: 'IT', uac: 66048, n: 2 },
      // Disabled from the start: never created.
      { cn: 'Old Timer', sam: 'old', upn: 'old@corp.example', department: 'IT', uac: 514, n: 3 },
      // A computer is an AD user too; the preset's filter leaves it out.
      { cn: 'WS01', sam: 'WS01$', upn: 'ws01@corp.example', uac: 4096, n: 4, classes: ['computer'] },
    ];
    await slapd.add(
      [
        `dn: OU=Staff,${SUFFIX}\nobjectClass: organizationalUnit\nou: Staff\n\n`,
        `dn: OU=Service,${SUFFIX}\nobjectClass: organizationalUnit\nou: Service\n\n`,
        // The service account is a user without mail: read, and skipped.
        `dn: CN=svc-jdmail,OU=Service,${SUFFIX}\nobjectClass: user\ncn: svc-jdmail\nsn: svc\nuserAccountControl: 512\nobjectGUID:: ${guid(8).toString('base64')}\nwhenChanged: 20240601000000.0Z\nuserPassword: svc-secret\n\n`,
        ...users.map(userLdif),
        [
          `dn: CN=Finance Team,OU=Staff,${SUFFIX}`,
          'objectClass: group',
          'cn: Finance Team',
          'mail: finance@corp.example',
          `member: CN=Ann Lee,OU=Staff,${SUFFIX}`,
          `member: CN=Bob Stone,OU=Staff,${SUFFIX}`,
          `objectGUID:: ${guid(9).toString('base64')}`,
          'whenChanged: 20250101000000.0Z',
          '',
          '',
        ].join('\n'),
      ].join(''),
    );
    database = await openDatabase(await databases.fresh('sqlite'));
    config = {
      name: 'ad',
      preset: 'ad',
      url: slapd.url,
      startTls: false,
      caFile: '',
      bindDn: `CN=svc-jdmail,OU=Service,${SUFFIX}`,
      bindPassword: 'svc-secret',
      bindPasswordFile: '',
      bindPasswordEnv: '',
      baseDn: SUFFIX,
      userBaseDns: [],
      groupBaseDns: [],
      userFilter: '',
      groupFilter: '',
      syncGroups: true,
      attributes: {},
      domain: 'corp.example',
      disableGraceSeconds: 0,
      maxDisablePercent: 100,
      pageSize: 100,
      timeoutMs: 3000,
    };
    const source = resolveSource(config);
    auth = createLdapAuthenticator({ sources: [source], cacheTtlMs: 0, log });
    directory = createTestDirectory(database.db, {
      externalAuth: auth,
    });
    addressBook = createAddressBook(database.db);
    await directory.createDomain('corp.example');
    sync = createTestSync(database.db, [source], log);
  });
  afterAll(async () => {
    await sync?.stop();
    await database?.close();
    await slapd?.stop();
  });

  it('maps AD users: mail or userPrincipalName, smtp: proxyAddresses, department, groups; skips computers and disabled', async () => {
    const r = await run();
    expect(r.status).toBe('succeeded');
    expect(r.report?.counts).toMatchObject({ directoryUsers: 4, create: 2, skipped: 2, groupsCreated: 3 });
    // (slapd writes attribute types as its schema names them: cn=, ou=, dc=)
    expect(r.report?.skipped).toEqual([
      { dn: 'cn=svc-jdmail,ou=Service,dc=corp,dc=example', reason: 'the entry has no mail address' },
      { dn: 'cn=Old Timer,ou=Staff,dc=corp,dc=example', reason: 'disabled in the directory' },
    ]);
    const ann = await directory.getUser('ann.lee@corp.example');
    expect(ann).toMatchObject({ displayName: 'Ann Lee', aliases: ['ann@corp.example'], source: 'ad' });
    expect((await directory.getUser('bob@corp.example')).displayName).toBe('Bob Stone');
    await expect(directory.getUser('ws01@corp.example')).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
    const tree = await addressBook.departments('corp.example');
    expect(tree.map((d) => [d.name, d.memberCount])).toEqual([
      ['Finance', 1],
      ['IT', 1],
    ]);
    const finance = await directory.resolveRecipient('finance@corp.example');
    expect(finance?.users.map((u) => u.address)).toEqual(['ann.lee@corp.example', 'bob@corp.example']);
  });

  it('narrows the users with a memberOf filter (slapd keeps memberOf with its memberof overlay, as AD does)', async () => {
    const source = resolveSource({
      ...config,
      userFilter: `(&(objectClass=user)(memberOf=CN=Finance Team,OU=Staff,${SUFFIX}))`,
    });
    const members = createTestSync(database.db, [source], log);
    const { run: r } = await members.run({ trigger: 'api', dryRun: true });
    expect(r.report?.counts).toMatchObject({ directoryUsers: 2, create: 0, update: 0, disable: 0 });
  });

  it('signs in by finding the entry by its objectGUID (a binary filter value), even after a rename', async () => {
    expect((await directory.authenticate('ann@corp.example', 'pw-ann'))?.address).toBe(
      'ann.lee@corp.example',
    );
    await slapd.modify(
      `dn: CN=Bob Stone,OU=Staff,${SUFFIX}\nchangetype: modrdn\nnewrdn: CN=Robert Stone\ndeleteoldrdn: 1\n`,
    );
    // Not synced since the rename: the stored DN is stale, the GUID is not.
    expect((await directory.authenticate('bob@corp.example', 'pw-bob'))?.address).toBe('bob@corp.example');
    expect(await directory.authenticate('bob@corp.example', 'pw-ann')).toBeNull();
  });

  it('disables a user whose userAccountControl gains ACCOUNTDISABLE, found by an incremental run on whenChanged', async () => {
    await slapd.modify(
      `dn: CN=Ann Lee,OU=Staff,${SUFFIX}\nchangetype: modify\nreplace: userAccountControl\nuserAccountControl: 514\n-\nreplace: whenChanged\nwhenChanged: 20250301000000.0Z\n`,
    );
    const r = await run({ mode: 'incremental' });
    expect(r.mode).toBe('incremental');
    // Only the changed entry was read (the others' whenChanged is older than the last mark).
    expect(r.report?.counts.directoryUsers).toBe(1);
    expect(r.report?.disable).toEqual([
      {
        address: 'ann.lee@corp.example',
        dn: 'cn=Ann Lee,ou=Staff,dc=corp,dc=example',
        reason: 'disabled in the directory',
      },
    ]);
    expect((await directory.getUser('ann.lee@corp.example')).enabled).toBe(false);
    // A disabled account cannot sign in, whatever its password.
    expect(await directory.authenticate('ann.lee@corp.example', 'pw-ann')).toBeNull();
    await slapd.modify(
      `dn: CN=Ann Lee,OU=Staff,${SUFFIX}\nchangetype: modify\nreplace: userAccountControl\nuserAccountControl: 512\n-\nreplace: whenChanged\nwhenChanged: 20250302000000.0Z\n`,
    );
    const back = await run({ mode: 'incremental' });
    expect(back.report?.enable.map((u) => u.address)).toEqual(['ann.lee@corp.example']);
  });
});
