import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import { addUser, openStore, type StoreFixture } from '../../../../test/harness/mail-store.js';
import { newId } from '../shared/index.js';
import { appendEvents, type NewEvent } from '../store/index.js';
import { createDashboardStats } from './index.js';

const databases = useDatabases();
const NOW = Date.UTC(2026, 11, 6, 12);
const MIDNIGHT = Date.UTC(2026, 11, 6);

describe.each(databases.engines)('dashboard stats on %s', (engine) => {
  let f: StoreFixture;
  beforeEach(async () => {
    f = await openStore(await databases.fresh(engine));
  });
  afterEach(() => f.close());

  const event = (type: NewEvent['type'], domain: string): NewEvent => ({
    type,
    domain,
    address: null,
    data: {},
  });
  const stats = (ready = true, sources = false) =>
    createDashboardStats({ db: f.database.db, isReady: () => ready, hasDirectorySources: sources });

  it('counts users, storage, today’s mail and the queue within the scope', async () => {
    const db = f.database.db;
    const a = await addUser(f, 1000);
    await addUser(f, 2000);
    await db.updateTable('users').set({ used_bytes: 300, enabled: 0 }).where('id', '=', a).execute();
    await db.insertInto('domains').values({ id: newId(), name: 'other.test', created_at: NOW }).execute();
    await db.transaction().execute(async (trx) => {
      await appendEvents(trx, [
        event('message.new', 'example.test'),
        event('message.new', 'example.test'),
        event('message.new', 'other.test'),
        event('delivery.delivered', 'example.test'),
        event('delivery.failed', 'example.test'),
      ]);
    });
    // Yesterday's events do not count today.
    await db
      .updateTable('event_log')
      .set({ time: MIDNIGHT - 1000 })
      .where('type', '=', 'delivery.failed')
      .execute();
    await db.updateTable('event_log').set({ time: NOW }).where('type', '!=', 'delivery.failed').execute();
    const qm = {
      id: 'qm1',
      blob_id: 'b',
      size: 10,
      mail_from: 'x@example.test',
      sender_user_id: null,
      sender_domain: 'example.test',
    };
    await db
      .insertInto('queue_messages')
      .values({
        ...qm,
        header_message_id: null,
        subject: 's',
        kind: 'mail',
        smtputf8: 0,
        created_at: NOW,
        expires_at: NOW + 1,
      })
      .execute();
    const job = (id: string, state: 'queued' | 'deferred') => ({
      id,
      queue_message_id: 'qm1',
      domain: 'remote.example',
      state,
      attempts: 0,
      next_attempt_at: NOW,
      lease_owner: null,
      lease_until: null,
      last_code: null,
      last_enhanced: null,
      last_response: null,
      last_attempt_at: null,
      delay_notified: 0,
      created_at: NOW,
      updated_at: NOW,
    });
    await db
      .insertInto('queue_domains')
      .values([job('j1', 'queued'), job('j2', 'deferred'), job('j3', 'deferred')])
      .execute();

    const all = await stats().get({ domains: 'all' }, { now: NOW });
    expect(all.mailboxes).toEqual({ total: 2, enabled: 1 });
    expect(all.storage).toEqual({ usedBytes: 300, quotaBytes: 3000 });
    expect(all.messagesToday).toEqual({ since: MIDNIGHT, in: 3, out: 1 });
    expect(all.queue).toEqual({ queued: 1, sending: 0, deferred: 2, failed: 0 });
    expect(all.health).toEqual({
      status: 'ok',
      components: [
        { name: 'database', status: 'ok' },
        { name: 'listeners', status: 'ok' },
      ],
    });
    // From yesterday on, the failure counts.
    expect(
      (await stats().get({ domains: 'all' }, { now: NOW, since: MIDNIGHT - 86_400_000 })).queue.failed,
    ).toBe(1);

    const other = await stats().get({ domains: ['other.test'] }, { now: NOW });
    expect(other.mailboxes).toEqual({ total: 0, enabled: 0 });
    expect(other.messagesToday).toMatchObject({ in: 1, out: 0 });
    expect(other.queue).toEqual({ queued: 0, sending: 0, deferred: 0, failed: 0 });
    expect(other.lastSync).toBeNull();
  });

  it('reports the last finished sync, and health no better than its worst part', async () => {
    const run = (id: string, status: 'succeeded' | 'failed', finished: number, dryRun = 0) => ({
      id,
      source: 'corp',
      status,
      mode: 'full' as const,
      dry_run: dryRun,
      forced: 0,
      trigger: 'api',
      started_at: finished - 1000,
      finished_at: finished,
      heartbeat_at: finished,
      progress: '{}',
      report: JSON.stringify({ counts: { create: 2, update: 1, disable: 0, enable: 0 } }),
      error: null,
    });
    await f.database.db
      .insertInto('directory_sync_runs')
      .values([
        run('r1', 'succeeded', NOW - 5000),
        run('r2', 'failed', NOW - 1000),
        run('r3', 'succeeded', NOW, 1),
      ])
      .execute();
    const s = await stats(false, true).get({ domains: 'all' }, { now: NOW });
    expect(s.lastSync).toMatchObject({ at: NOW - 1000, ok: false, status: 'failed', source: 'corp' });
    expect(s.lastSync?.counts).toEqual({ create: 2, update: 1, disable: 0, enable: 0 });
    expect(s.health.status).toBe('down');
    expect(s.health.components.map((c) => [c.name, c.status])).toEqual([
      ['database', 'ok'],
      ['listeners', 'down'],
      ['directorySync', 'degraded'],
    ]);
  });
});
