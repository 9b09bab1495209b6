import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../../test/harness/databases.js';
import type { Directory } from '../../directory/index.js';
import { createTestDirectory } from '../../directory/testing/test-directory.js';
import { type Database, openDatabase } from '../../store/index.js';
import { createLogger } from '../../telemetry/index.js';
import { resolveExternalUser } from './external-user.js';

const databases = useDatabases();
const log = createLogger({ level: 'silent' });
const NO_JIT = { domain: '', jitDomain: '', jitGroup: '' };

describe('resolveExternalUser', () => {
  let database: Database;
  let directory: Directory;
  beforeAll(async () => {
    database = await openDatabase(await databases.fresh('sqlite'));
    directory = createTestDirectory(database.db);
    await directory.createDomain('example.com');
    await directory.createDomain('other.org');
    await directory.createUser({ address: 'alice@example.com', aliases: ['a.li@example.com'] });
    await directory.createUser({ address: 'gone@example.com' });
    await directory.updateUser('gone@example.com', { enabled: false });
    const sales = await directory.createGroup({ domain: 'example.com', name: 'Sales', kind: 'department' });
    await directory.createGroup({ domain: 'example.com', name: 'East', parentId: sales.id });
  });
  afterAll(() => database.close());

  it('finds users by address, alias, or username plus the provider’s domain', async () => {
    for (const [value, mapping] of [
      ['Alice@Example.com', NO_JIT],
      ['a.li@example.com', NO_JIT],
      ['alice', { ...NO_JIT, domain: 'example.com' }],
    ] as const) {
      const r = await resolveExternalUser(directory, mapping, value, '', log);
      expect(r).toMatchObject({ ok: true, created: false, user: { address: 'alice@example.com' } });
    }
  });

  it('refuses missing identities, unknown users without JIT, and disabled users', async () => {
    expect(await resolveExternalUser(directory, NO_JIT, undefined, '', log)).toEqual({
      ok: false,
      reason: 'no_identity',
    });
    expect(await resolveExternalUser(directory, NO_JIT, 42, '', log)).toEqual({
      ok: false,
      reason: 'no_identity',
    });
    expect(await resolveExternalUser(directory, NO_JIT, 'alice', '', log)).toEqual({
      ok: false,
      reason: 'unknown_user',
    });
    expect(await resolveExternalUser(directory, NO_JIT, 'zed@example.com', '', log)).toEqual({
      ok: false,
      reason: 'unknown_user',
    });
    expect(await resolveExternalUser(directory, NO_JIT, 'gone@example.com', '', log)).toEqual({
      ok: false,
      reason: 'user_disabled',
    });
  });

  it('creates unknown users of the JIT domain only, password-less, in the configured group', async () => {
    const jit = { domain: '', jitDomain: 'example.com', jitGroup: 'East' };
    const r = await resolveExternalUser(directory, jit, 'newbie', 'New Bie', log);
    expect(r).toMatchObject({
      ok: true,
      created: true,
      user: { address: 'newbie@example.com', displayName: 'New Bie', hasPassword: false },
    });
    const east = (await directory.groupTree('example.com'))[0]?.children[0];
    expect((await directory.listGroupMembers(east?.id ?? '')).map((u) => u.address)).toEqual([
      'newbie@example.com',
    ]);
    const again = await resolveExternalUser(directory, jit, 'newbie@example.com', 'New Bie', log);
    expect(again).toMatchObject({ ok: true, created: false });
    expect(await resolveExternalUser(directory, jit, 'olga@other.org', '', log)).toEqual({
      ok: false,
      reason: 'outside_jit_domain',
    });
    await expect(directory.getUser('olga@other.org')).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
  });
});
