import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import { type Database, openDatabase } from '../store/index.js';
import { type AddressBook, createAddressBook, type Directory } from './index.js';
import { createTestDirectory } from './testing/test-directory.js';

const databases = useDatabases();

describe.each(databases.engines)('address book on %s', (engine) => {
  let database: Database;
  let dir: Directory;
  let book: AddressBook;
  let sales: string;

  beforeEach(async () => {
    database = await openDatabase(await databases.fresh(engine));
    dir = createTestDirectory(database.db);
    book = createAddressBook(database.db);
    await dir.createDomain('a.com');
    await dir.createDomain('b.com');
    for (const [address, displayName] of [
      ['ann@a.com', 'Ann Lee'],
      ['bob@a.com', 'Bob Stone'],
      ['cat@a.com', 'Cat Disabled'],
      ['dan@b.com', 'Dan Other'],
    ] as const)
      await dir.createUser({ address, displayName });
    await dir.updateUser('cat@a.com', { enabled: false });
    const top = await dir.createGroup({ domain: 'a.com', name: 'Company', kind: 'department' });
    sales = (await dir.createGroup({ domain: 'a.com', name: 'Sales', kind: 'department', parentId: top.id }))
      .id;
    await dir.addGroupMembers(sales, ['bob@a.com', 'cat@a.com']);
    await dir.createGroup({ domain: 'a.com', name: 'All hands', kind: 'group', address: 'all@a.com' });
  });
  afterEach(() => database.close());

  const addresses = async (q: Parameters<AddressBook['search']>[0]) =>
    (await book.search(q)).items.map((e) => e.address);

  it('lists enabled users and addressable groups of the visible domains, in address order', async () => {
    expect(await addresses({ visibleDomains: new Set(['a.com']), limit: 10 })).toEqual([
      'all@a.com',
      'ann@a.com',
      'bob@a.com',
    ]);
    expect(await addresses({ visibleDomains: null, limit: 10 })).toContain('dan@b.com');
    expect(await addresses({ visibleDomains: new Set(), limit: 10 })).toEqual([]);
    const bob = (await book.search({ q: 'stone', visibleDomains: null, limit: 1 })).items[0];
    expect(bob).toEqual({
      kind: 'user',
      address: 'bob@a.com',
      name: 'Bob Stone',
      domain: 'a.com',
      departments: [{ id: sales, name: 'Sales' }],
      groupKind: null,
    });
  });

  it('finds a Chinese name by its full pinyin and its initials, and follows a rename', async () => {
    await dir.createUser({ address: 'zhang.s@a.com', displayName: '张三' });
    await dir.createUser({ address: 'li.si@a.com', displayName: '李四' });
    const find = (q: string) => addresses({ q, visibleDomains: new Set(['a.com']), limit: 10 });
    expect(await find('zs')).toEqual(['zhang.s@a.com']);
    expect(await find('zhangsan')).toEqual(['zhang.s@a.com']);
    expect(await find('Zhang San')).toEqual(['zhang.s@a.com']);
    expect(await find('张')).toEqual(['zhang.s@a.com']);
    expect(await find('ls')).toEqual(['li.si@a.com']);
    await dir.updateUser('li.si@a.com', { displayName: '王五' });
    expect(await find('ls')).toEqual([]);
    expect(await find('ww')).toEqual(['li.si@a.com']);
  });

  it('searches names, addresses and department names; lists a department; pages across users and groups', async () => {
    expect(await addresses({ q: 'SALES', visibleDomains: null, limit: 10 })).toEqual(['bob@a.com']);
    expect(await addresses({ q: 'hands', visibleDomains: null, limit: 10 })).toEqual(['all@a.com']);
    expect(await addresses({ q: '%', visibleDomains: null, limit: 10 })).toEqual([]);
    expect(await addresses({ groupId: sales, visibleDomains: null, limit: 10 })).toEqual(['bob@a.com']);
    const first = await book.search({ domain: 'a.com', visibleDomains: null, limit: 2 });
    expect(first.items.map((e) => e.address)).toEqual(['all@a.com', 'ann@a.com']);
    const next = await book.search({
      domain: 'a.com',
      visibleDomains: null,
      limit: 2,
      cursor: first.nextCursor ?? '',
    });
    expect([next.items.map((e) => e.address), next.nextCursor]).toEqual([['bob@a.com'], null]);
  });

  it('gives the department tree with enabled member counts', async () => {
    const tree = await book.departments('a.com');
    expect(tree).toMatchObject([
      {
        name: 'Company',
        memberCount: 0,
        source: null,
        children: [{ id: sales, name: 'Sales', memberCount: 1, children: [] }],
      },
    ]);
    expect(await book.departments('b.com')).toEqual([]);
  });
});
