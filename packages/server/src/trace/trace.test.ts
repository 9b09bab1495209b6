import { afterEach, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import { type Database, openDatabase } from '../store/index.js';
import { createMessageTrace, type TraceEvent, type TraceStore } from './index.js';

const databases = useDatabases();

describe.each(databases.engines)('the message trace on %s', (engine) => {
  let database: Database;
  let trace: TraceStore;
  afterEach(async () => {
    await trace?.stop();
    await database?.close();
  });

  async function setUp() {
    const t = await databases.fresh(engine);
    database = await openDatabase({ dataDir: t.dataDir, databaseUrl: t.databaseUrl });
    trace = createMessageTrace({ database, retentionDays: 30, flushIntervalMs: 60_000 });
  }

  const event = (at: number, over: Partial<TraceEvent> = {}): TraceEvent => ({
    at,
    event: 'delivered',
    messageId: '<m1@a.test>',
    sender: 'Alice@A.test',
    recipient: 'bob@b.test',
    detail: { code: 250, response: '2.0.0 ok', remoteHost: 'mx.b.test', tls: true },
    ...over,
  });

  it('writes what it buffered, and answers by Message-ID, sender or recipient, newest first, in pages', async () => {
    await setUp();
    const t0 = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 5; i++)
      trace.record(event(t0 + i * 1000, { event: i === 0 ? 'queued' : 'deferred' }));
    trace.record(event(t0 + 9000, { messageId: '<other@a.test>', recipient: 'carol@c.test' }));
    // Buffered, not yet written (the interval is a minute).
    expect((await trace.query({ limit: 10 }, { domains: 'all' })).items).toHaveLength(0);
    await trace.flush();
    const byId = await trace.query({ messageId: '<m1@a.test>', limit: 2 }, { domains: 'all' });
    expect(byId.items.map((e) => e.at)).toEqual([t0 + 4000, t0 + 3000]);
    expect(byId.items[0]).toMatchObject({ sender: 'alice@a.test', detail: { code: 250, tls: true } });
    const rest = await trace.query(
      { messageId: '<m1@a.test>', limit: 10, cursor: byId.nextCursor ?? '' },
      { domains: 'all' },
    );
    expect(rest.items.map((e) => e.at)).toEqual([t0 + 2000, t0 + 1000, t0]);
    expect(rest.nextCursor).toBeNull();
    expect((await trace.query({ from: 'alice@a.test', limit: 10 }, { domains: 'all' })).items).toHaveLength(
      6,
    );
    expect((await trace.query({ to: 'Carol@c.test', limit: 10 }, { domains: 'all' })).items).toHaveLength(1);
    const window = await trace.query({ since: t0 + 1000, until: t0 + 3000, limit: 10 }, { domains: 'all' });
    expect(window.items.map((e) => e.at)).toEqual([t0 + 2000, t0 + 1000]);
    await expect(
      trace.query({ limit: 10, cursor: 'not a cursor' }, { domains: 'all' }),
    ).rejects.toMatchObject({
      code: 'INVALID_CURSOR',
    });
  });

  it('shows a domain admin only events whose sender or recipient domain is theirs', async () => {
    await setUp();
    trace.record(event(1000, { sender: 'x@a.test', recipient: 'y@b.test' }));
    trace.record(event(2000, { sender: 'x@c.test', recipient: 'y@d.test' }));
    trace.record(event(3000, { sender: '', recipient: 'y@a.test', event: 'bounced' }));
    await trace.flush();
    const a = await trace.query({ limit: 10 }, { domains: ['A.test'] });
    expect(a.items.map((e) => e.at)).toEqual([3000, 1000]);
    expect((await trace.query({ limit: 10 }, { domains: ['d.test'] })).items.map((e) => e.at)).toEqual([
      2000,
    ]);
    expect((await trace.query({ limit: 10 }, { domains: [] })).items).toEqual([]);
  });

  it('forgets events past trace.retentionDays', async () => {
    await setUp();
    const now = Date.UTC(2026, 5, 1);
    trace.record(event(now - 31 * 86_400_000));
    trace.record(event(now - 29 * 86_400_000));
    await trace.flush();
    expect(await trace.prune(now)).toBe(1);
    expect((await trace.query({ limit: 10 }, { domains: 'all' })).items).toHaveLength(1);
  });
});
