import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../../test/harness/databases.js';
import { createDirectory, type Directory } from '../../directory/index.js';
import { type Database, insertDefaultMailboxes, openDatabase } from '../../store/index.js';
import { createGroupPolicies, type GroupPolicies, OPEN_POLICY } from '../groups/index.js';
import { createRulesService, type Rule, type RulesService } from './index.js';

// Rule sets, the vacation log and group policies in the SQL store (migration 0011-rules), on both engines.

const databases = useDatabases();
const junkAll: Rule = { name: 'junk all', when: { size: { over: 0 } }, actions: [{ action: 'junk' }] };
const DAY = 86_400_000;

describe.each(databases.engines)('filter storage on %s', (engine) => {
  let database: Database;
  let dir: Directory;
  let rules: RulesService;
  let policies: GroupPolicies;
  let alice: { id: string; domainId: string };
  let domainId: string;

  beforeAll(async () => {
    database = await openDatabase(await databases.fresh(engine));
    dir = createDirectory({
      db: database.db,
      prepareRead: database.prepareRead,
      recipientCacheMs: 0,
      defaultQuotaBytes: 1_000_000,
      createMailboxes: (trx, id) => insertDefaultMailboxes(trx, id),
      releaseBlobs: async () => {},
    });
    domainId = (await dir.createDomain('example.com')).id;
    await dir.createDomain('other.org');
    const user = await dir.createUser({ address: 'alice@example.com', aliases: ['ali@example.com'] });
    alice = { id: user.id, domainId };
    rules = createRulesService(database.db);
    policies = createGroupPolicies(database.db);
  });
  afterAll(() => database?.close());

  it('stores, replaces and lists rule sets per owner, and gives a user’s mail its sets in order', async () => {
    expect(await rules.get({ scope: 'system' })).toEqual({
      owner: { scope: 'system' },
      rules: [],
      updatedAt: null,
    });
    await rules.replace({ scope: 'system' }, [junkAll]);
    await rules.replace({ scope: 'domain', domainId }, [{ ...junkAll, name: 'domain rule' }]);
    const mine: Rule = {
      name: 'away',
      when: { direction: 'inbound' },
      actions: [{ action: 'vacation', days: 7, subject: 'Away', text: 'Back soon' }],
    };
    await rules.replace({ scope: 'user', userId: alice.id }, [mine]);
    expect((await rules.get({ scope: 'user', userId: alice.id })).rules).toEqual([mine]);
    expect((await rules.setsFor(alice)).map((s) => [s.scope, s.rules[0]?.name])).toEqual([
      ['system', 'junk all'],
      ['domain', 'domain rule'],
      ['user', 'away'],
    ]);
    expect((await rules.list('domain')).map((s) => s.owner)).toEqual([{ scope: 'domain', domainId }]);
    // Replace is whole: the new list is the set; an empty one removes it.
    await rules.replace({ scope: 'system' }, [{ ...junkAll, name: 'second' }]);
    expect((await rules.get({ scope: 'system' })).rules.map((r) => r.name)).toEqual(['second']);
    await rules.replace({ scope: 'system' }, []);
    expect((await rules.setsFor(alice)).map((s) => s.scope)).toEqual(['domain', 'user']);
  });

  it('refuses an invalid set and keeps the old one', async () => {
    const before = await rules.get({ scope: 'domain', domainId });
    await expect(
      rules.replace({ scope: 'domain', domainId }, [
        {
          name: 'v',
          when: { direction: 'inbound' },
          actions: [{ action: 'vacation', days: 1, subject: 's', text: 't' }],
        },
      ]),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      extra: { errors: [{ field: 'rules[0].actions[0]' }] },
    });
    expect(await rules.get({ scope: 'domain', domainId })).toEqual(before);
  });

  it('claims a vacation reply once per sender per N days, also under concurrency', async () => {
    const now = Date.now();
    const claims = await Promise.all([
      rules.claimVacationReply(alice.id, 'Bob@Other.org', 7, now),
      rules.claimVacationReply(alice.id, 'bob@other.org', 7, now),
    ]);
    expect(claims.sort()).toEqual([false, true]);
    expect(await rules.claimVacationReply(alice.id, 'bob@other.org', 7, now + 6 * DAY)).toBe(false);
    expect(await rules.claimVacationReply(alice.id, 'carol@other.org', 7, now + 6 * DAY)).toBe(true);
    const later = await Promise.all([
      rules.claimVacationReply(alice.id, 'bob@other.org', 7, now + 8 * DAY),
      rules.claimVacationReply(alice.id, 'bob@other.org', 7, now + 8 * DAY),
    ]);
    expect(later.sort()).toEqual([false, true]);
    expect(await rules.sweepVacationReplies(7, now + 14 * DAY + 1)).toBe(1); // bob's went at +8 days, carol's stays
  });

  it('stores group policies, and finds a user’s groups and policies through aliases and parent groups', async () => {
    const company = await dir.createGroup({ domain: 'example.com', name: 'Company', kind: 'department' });
    const interns = await dir.createGroup({
      domain: 'example.com',
      name: 'Interns',
      kind: 'department',
      parentId: company.id,
      address: 'interns@example.com',
    });
    await dir.addGroupMembers(interns.id, ['alice@example.com']);
    expect(await policies.get(interns.id)).toEqual(OPEN_POLICY);
    const inside = { ...OPEN_POLICY, send: 'inside' as const };
    expect(await policies.replace(interns.id, inside)).toEqual(inside);
    await policies.replace(company.id, { ...OPEN_POLICY, maxReceiveBytes: 1000 });
    const groups = await policies.groupsOf('ALI@example.com');
    expect(groups.map((g) => [g.name, g.address]).sort()).toEqual([
      ['Company', null],
      ['Interns', 'interns@example.com'],
    ]);
    expect((await policies.policiesOf('alice@example.com')).map((p) => [p.groupName, p.policy.send])).toEqual(
      [
        ['Company', 'anywhere'],
        ['Interns', 'inside'],
      ],
    );
    expect(await policies.groupsOf('nobody@example.com')).toEqual([]);
    // The open policy removes the row; deleting the group removes its policy.
    await policies.replace(company.id, OPEN_POLICY);
    expect((await policies.policiesOf('alice@example.com')).map((p) => p.groupName)).toEqual(['Interns']);
    await dir.removeGroupMember(interns.id, 'alice@example.com');
    await dir.deleteGroup(interns.id);
    expect(await database.db.selectFrom('group_policies').selectAll().execute()).toEqual([]);
  });
});
