import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import { openStore, type StoreFixture } from '../../../../test/harness/mail-store.js';
import { type AuditEntryInput, type AuditLog, createAuditLog } from './index.js';

const databases = useDatabases();

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 11, 6, 10);

const entry = (n: number, domains: string[], extra: Partial<AuditEntryInput> = {}): AuditEntryInput => ({
  at: T0 + n * 1000,
  actor: { kind: 'user', id: `u${n % 2}`, address: `admin${n % 2}@a.test` },
  action: n % 3 === 0 ? 'deleteUser' : 'createUser',
  method: 'POST',
  route: '/api/v1/users',
  target: { address: `u${n}@${domains[0] ?? 'install'}` },
  domains,
  status: 201,
  requestId: `req-${n}`,
  ip: '127.0.0.1',
  ...extra,
});

describe.each(databases.engines)('audit log on %s', (engine) => {
  let f: StoreFixture;
  let audit: AuditLog;
  beforeEach(async () => {
    f = await openStore(await databases.fresh(engine));
    audit = createAuditLog({ db: f.database.db });
  });
  afterEach(async () => {
    await audit.close();
    await f.close();
  });

  const all = { domains: 'all' as const };
  const ids = (items: { requestId: string }[]) => items.map((e) => e.requestId);

  it('writes queued entries in batches and reads them newest first, page by page', async () => {
    for (let n = 1; n <= 450; n++) audit.record(entry(n, ['a.test']));
    await audit.flush();
    const first = await audit.list({ limit: 200 }, all);
    expect(first.items).toHaveLength(200);
    expect(first.items[0]).toMatchObject({
      requestId: 'req-450',
      domains: ['a.test'],
      target: { address: 'u450@a.test' },
    });
    const second = await audit.list({ limit: 200, cursor: first.nextCursor ?? '' }, all);
    const third = await audit.list({ limit: 200, cursor: second.nextCursor ?? '' }, all);
    expect(third.nextCursor).toBeNull();
    const seen = ids([...first.items, ...second.items, ...third.items]);
    expect(seen).toEqual(Array.from({ length: 450 }, (_, i) => `req-${450 - i}`));
  });

  it('shows a scoped reader only the entries of its domains, and filters by actor, action, domain and time', async () => {
    audit.record(entry(1, ['a.test']));
    audit.record(entry(2, ['b.test']));
    audit.record(entry(3, ['a.test', 'b.test']));
    audit.record(entry(4, []));
    await audit.flush();
    const a = { domains: ['a.test'] };
    expect(ids((await audit.list({ limit: 50 }, a)).items)).toEqual(['req-3', 'req-1']);
    expect(ids((await audit.list({ limit: 50 }, all)).items)).toEqual(['req-4', 'req-3', 'req-2', 'req-1']);
    // Asking for another tenant's domain shows nothing, as if it had no entries.
    expect((await audit.list({ limit: 50, domain: 'b.test' }, a)).items).toEqual([]);
    expect(ids((await audit.list({ limit: 50, domain: 'b.test' }, all)).items)).toEqual(['req-3', 'req-2']);
    expect(ids((await audit.list({ limit: 50, actor: 'ADMIN1@a.test' }, all)).items)).toEqual([
      'req-3',
      'req-1',
    ]);
    expect(ids((await audit.list({ limit: 50, actor: 'u0' }, all)).items)).toEqual(['req-4', 'req-2']);
    expect(ids((await audit.list({ limit: 50, action: 'deleteUser' }, all)).items)).toEqual(['req-3']);
    const window = { since: T0 + 2000, until: T0 + 4000 };
    expect(ids((await audit.list({ limit: 50, ...window }, all)).items)).toEqual(['req-3', 'req-2']);
    await expect(audit.list({ limit: 50, cursor: "x' or 1=1" }, all)).rejects.toMatchObject({
      code: 'INVALID_CURSOR',
    });
  });

  it('prunes entries past the retention, with their domain rows', async () => {
    audit.record(entry(1, ['a.test'], { at: T0 - 400 * DAY }));
    audit.record(entry(2, ['a.test'], { at: T0 - 10 * DAY }));
    await audit.flush();
    expect(await audit.prune(T0, 365 * DAY)).toBe(1);
    expect(ids((await audit.list({ limit: 50 }, { domains: ['a.test'] })).items)).toEqual(['req-2']);
    const left = await f.database.db.selectFrom('audit_log_domains').selectAll().execute();
    expect(left).toHaveLength(1);
  });

  it('never throws to the caller when the database refuses a batch', async () => {
    await f.database.db.schema.dropTable('audit_log_domains').execute();
    audit.record(entry(1, ['a.test']));
    await expect(audit.flush()).resolves.toBeUndefined();
  });
});
