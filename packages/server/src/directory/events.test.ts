import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import { type Database, insertDefaultMailboxes, openDatabase } from '../store/index.js';
import { createDirectory, type Directory } from './index.js';

const databases = useDatabases();

describe.each(databases.engines)('directory events on %s', (engine) => {
  let database: Database;
  let dir: Directory;

  beforeEach(async () => {
    database = await openDatabase(await databases.fresh(engine));
    dir = createDirectory({
      db: database.db,
      prepareRead: database.prepareRead,
      defaultQuotaBytes: 1000,
      createMailboxes: (trx, id) => insertDefaultMailboxes(trx, id),
      releaseBlobs: async () => {},
    });
    await dir.createDomain('example.com');
  });
  afterEach(() => database.close());

  const events = async () =>
    (
      await database.db
        .selectFrom('event_log')
        .select(['type', 'domain', 'address', 'data'])
        .orderBy('position')
        .execute()
    ).map((r) => ({
      type: r.type,
      domain: r.domain,
      address: r.address,
      data: JSON.parse(r.data) as unknown,
    }));

  it('writes user.created, user.updated with what changed, user.disabled/enabled and user.deleted', async () => {
    await dir.createUser({ address: 'alice@example.com', displayName: 'Alice' });
    await dir.updateUser('alice@example.com', { displayName: 'Alice', quotaBytes: 5000 });
    await dir.updateUser('alice@example.com', { enabled: false });
    await dir.updateUser('alice@example.com', { enabled: true, displayName: 'Alice L.' });
    await dir.updateUser('alice@example.com', { displayName: 'Alice L.' }); // nothing changes
    await dir.deleteUser('alice@example.com');
    const user = { address: 'alice@example.com', source: null };
    expect(await events()).toEqual([
      {
        type: 'user.created',
        domain: 'example.com',
        address: 'alice@example.com',
        data: { ...user, displayName: 'Alice', enabled: true },
      },
      {
        type: 'user.updated',
        domain: 'example.com',
        address: 'alice@example.com',
        data: { ...user, changes: ['quotaBytes'] },
      },
      { type: 'user.disabled', domain: 'example.com', address: 'alice@example.com', data: user },
      {
        type: 'user.updated',
        domain: 'example.com',
        address: 'alice@example.com',
        data: { ...user, changes: ['displayName'] },
      },
      { type: 'user.enabled', domain: 'example.com', address: 'alice@example.com', data: user },
      { type: 'user.deleted', domain: 'example.com', address: 'alice@example.com', data: user },
    ]);
  });

  it('a refused change writes nothing', async () => {
    await dir.createUser({ address: 'alice@example.com' });
    const before = (await events()).length;
    await expect(dir.createUser({ address: 'alice@example.com' })).rejects.toMatchObject({
      code: 'ADDRESS_TAKEN',
    });
    await expect(dir.updateUser('alice@example.com', { role: 'boss' as never })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(await events()).toHaveLength(before);
  });

  it('writes group.created, group.updated (fields and members) and group.deleted', async () => {
    await dir.createUser({ address: 'alice@example.com' });
    await dir.createUser({ address: 'bob@example.com' });
    const g = await dir.createGroup({ domain: 'example.com', name: 'Sales', kind: 'group' });
    await dir.updateGroup(g.id, { name: 'Sales EU' });
    await dir.addGroupMembers(g.id, ['bob@example.com', 'alice@example.com']);
    await dir.addGroupMembers(g.id, ['alice@example.com']); // already a member
    await dir.removeGroupMember(g.id, 'bob@example.com');
    await dir.deleteGroup(g.id);
    const group = { id: g.id, kind: 'group', source: null };
    const got = (await events()).filter((e) => e.type.startsWith('group.'));
    expect(got.map((e) => [e.type, e.domain, e.address, e.data])).toEqual([
      ['group.created', 'example.com', null, { ...group, name: 'Sales', address: null, parentId: null }],
      ['group.updated', 'example.com', null, { ...group, name: 'Sales EU', changes: ['name'] }],
      [
        'group.updated',
        'example.com',
        null,
        {
          ...group,
          name: 'Sales EU',
          changes: ['members'],
          membersAdded: ['alice@example.com', 'bob@example.com'],
        },
      ],
      [
        'group.updated',
        'example.com',
        null,
        { ...group, name: 'Sales EU', changes: ['members'], membersRemoved: ['bob@example.com'] },
      ],
      ['group.deleted', 'example.com', null, { ...group, name: 'Sales EU' }],
    ]);
  });
});
