import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import type { Directory } from '../directory/index.js';
import { createTestDirectory } from '../directory/testing/test-directory.js';
import { type Database, openDatabase } from '../store/index.js';
import { GROUP_SCHEMA, PATCH_SCHEMA, USER_SCHEMA } from './catalog.js';
import { createScimService, type ScimContext } from './index.js';

const databases = useDatabases();
const all: ScimContext = { scope: { domains: null }, base: 'https://mail.example.com/scim/v2' };
const user = (userName: string, extra: object = {}) => ({ schemas: [USER_SCHEMA], userName, ...extra });

describe.each(databases.engines)('SCIM service over the directory on %s', (engine) => {
  let database: Database;
  let directory: Directory;
  const checked: string[] = [];

  beforeEach(async () => {
    database = await openDatabase(await databases.fresh(engine));
    directory = createTestDirectory(database.db, {
      externalAuth: {
        verify: async (u) => {
          checked.push(u.address);
          return true;
        },
      },
    });
    await directory.createDomain('example.com');
  });
  afterEach(() => database.close());

  it('deletes the user and their mail with deleteAction delete', async () => {
    const scim = createScimService({ directory, settings: { deleteAction: 'delete', maxResults: 100 } });
    const made = await scim.users.create(user('gone@example.com'), all);
    await scim.users.remove(made.id, all);
    await expect(directory.getUser('gone@example.com')).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
  });

  it('keeps a deleted user disabled and hidden with deleteAction disable', async () => {
    const scim = createScimService({ directory, settings: { deleteAction: 'disable', maxResults: 100 } });
    const made = await scim.users.create(user('kept@example.com'), all);
    await scim.users.remove(made.id, all);
    expect(await directory.getUser('kept@example.com')).toMatchObject({
      enabled: false,
      scimDeletedAt: expect.any(Number),
    });
    await expect(scim.users.get(made.id, all)).rejects.toMatchObject({ status: 404 });
    expect((await scim.users.list({}, all)).totalResults).toBe(0);
  });

  it('marks SCIM users as having an outside source: no password, never checked elsewhere', async () => {
    const scim = createScimService({ directory, settings: { deleteAction: 'disable', maxResults: 100 } });
    await scim.users.create(user('idp@example.com', { password: 'Secret-123' }), all);
    expect(await directory.getUser('idp@example.com')).toMatchObject({ source: 'scim', hasPassword: false });
    await expect(
      directory.updateUser('idp@example.com', { password: 'another-pass-1' }),
    ).rejects.toMatchObject({
      code: 'USER_EXTERNALLY_MANAGED',
    });
    expect(await directory.authenticate('idp@example.com', 'Secret-123')).toBeNull();
    expect(checked).toEqual([]); // not handed to the LDAP authenticator
  });

  it('refuses to change users and groups synced from a directory (LDAP)', async () => {
    const scim = createScimService({ directory, settings: { deleteAction: 'disable', maxResults: 100 } });
    const synced = await directory.createUser({ address: 'ldap@example.com', source: 'corp' });
    const group = await directory.createGroup({
      domain: 'example.com',
      name: 'Synced',
      kind: 'group',
      source: 'corp',
    });
    await expect(
      directory.updateUser('ldap@example.com', { password: 'local-pass-12' }),
    ).rejects.toMatchObject({
      code: 'USER_EXTERNALLY_MANAGED',
    });
    const patch = { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'active', value: false }] };
    await expect(scim.users.patch(synced.id, patch, all)).rejects.toMatchObject({
      status: 400,
      scimType: 'mutability',
    });
    await expect(scim.users.remove(synced.id, all)).rejects.toMatchObject({
      status: 400,
      scimType: 'mutability',
    });
    await expect(scim.groups.remove(group.id, all)).rejects.toMatchObject({
      status: 400,
      scimType: 'mutability',
    });
    expect((await directory.getUser('ldap@example.com')).enabled).toBe(true);
    expect((await scim.users.get(synced.id, all)).userName).toBe('ldap@example.com'); // still shown
  });

  it('puts a new group in the only domain, and asks for a restricted credential when there are more', async () => {
    const scim = createScimService({ directory, settings: { deleteAction: 'disable', maxResults: 100 } });
    const made = await scim.groups.create({ schemas: [GROUP_SCHEMA], displayName: 'Solo' }, all);
    expect((await directory.getGroup(made.id)).domain).toBe('example.com');
    await directory.createDomain('other.org');
    await expect(
      scim.groups.create({ schemas: [GROUP_SCHEMA], displayName: 'Which' }, all),
    ).rejects.toMatchObject({
      status: 400,
      scimType: 'invalidValue',
    });
    const scoped = { ...all, scope: { domains: new Set(['other.org']) } };
    const there = await scim.groups.create({ schemas: [GROUP_SCHEMA], displayName: 'There' }, scoped);
    expect((await directory.getGroup(there.id)).domain).toBe('other.org');
  });

  it('finds or makes the department the enterprise extension names', async () => {
    const scim = createScimService({ directory, settings: { deleteAction: 'disable', maxResults: 100 } });
    const existing = await directory.createGroup({
      domain: 'example.com',
      name: 'Sales',
      kind: 'department',
    });
    const ext = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
    await scim.users.create(
      user('s@example.com', { schemas: [USER_SCHEMA, ext], [ext]: { department: 'SALES' } }),
      all,
    );
    await scim.users.create(
      user('n@example.com', { schemas: [USER_SCHEMA, ext], [ext]: { department: 'New Dept' } }),
      all,
    );
    expect((await directory.getUser('s@example.com')).departments).toEqual([
      { id: existing.id, name: 'Sales' },
    ]);
    const made = (await directory.getUser('n@example.com')).departments[0];
    expect(await directory.getGroup(made?.id ?? '')).toMatchObject({
      name: 'New Dept',
      kind: 'department',
      source: 'scim',
    });
  });

  it('pages users by offset with a total, caps count to maxResults', async () => {
    const scim = createScimService({ directory, settings: { deleteAction: 'disable', maxResults: 2 } });
    for (const n of ['a', 'b', 'c', 'd', 'e']) await scim.users.create(user(`${n}@example.com`), all);
    const page = await scim.users.list({ startIndex: '4', count: '50' }, all);
    expect(page).toMatchObject({ totalResults: 5, startIndex: 4, itemsPerPage: 2 });
    expect(page.Resources.map((r) => r.userName)).toEqual(['d@example.com', 'e@example.com']);
  });
});
