import { afterEach, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import type { Database } from '../store/index.js';
import { openDatabase } from '../store/index.js';
import { claimDue } from './claim.js';
import { planOutbound } from './plan.js';
import { type AttemptRecord, LeaseLost } from './record.js';
import { createAttemptRecorder } from './record-batch.js';

const databases = useDatabases();
const opened: Database[] = [];
afterEach(async () => {
  for (const d of opened.splice(0)) await d.close();
});

/** Queues one message for `domains` (one job each), due at `now`. */
async function queueMessage(database: Database, domains: string[], now: number) {
  const plan = planOutbound({
    mailFrom: 'a@example.test',
    recipients: domains.map((d) => `r@${d}`),
    headerMessageId: null,
    subject: '',
    size: 1,
    smtputf8: false,
    now,
  });
  await database.db
    .insertInto('queue_messages')
    .values({ ...plan.message, blob_id: 'blob-1' })
    .execute();
  await database.db.insertInto('queue_domains').values(plan.domains).execute();
  await database.db.insertInto('queue_recipients').values(plan.recipients).execute();
}

const done = (jobId: string, queueMessageId: string, now: number): AttemptRecord => ({
  jobId,
  queueMessageId,
  outcomes: [],
  remaining: 0,
  nextAttemptAt: now,
  lastError: null,
  delayNotified: false,
  now,
});

describe.each(databases.engines)('attempt records committed together on %s', (engine) => {
  it('commits the records that arrive together, rejects only the one whose lease is gone, and releases the body once', async () => {
    const t = await databases.fresh(engine);
    const database = await openDatabase({ dataDir: t.dataDir, databaseUrl: t.databaseUrl });
    opened.push(database);
    const now = Date.now();
    await queueMessage(database, ['one.test', 'two.test', 'three.test'], now - 1000);
    const jobs = await claimDue(database, 'me', 10, now, 60_000);
    expect(jobs).toHaveLength(3);
    const [a, b, c] = jobs as [(typeof jobs)[0], (typeof jobs)[0], (typeof jobs)[0]];
    // An operator removed one job meanwhile: its record finds no lease.
    await database.db.deleteFrom('queue_recipients').where('queue_domain_id', '=', b.id).execute();
    await database.db.deleteFrom('queue_domains').where('id', '=', b.id).execute();

    const recorder = createAttemptRecorder(database, 'me');
    const results = await Promise.allSettled([
      recorder.record(done(a.id, a.queue_message_id, now)),
      recorder.record(done(b.id, b.queue_message_id, now)),
      recorder.record(done(c.id, c.queue_message_id, now)),
    ]);
    expect(results[1]).toMatchObject({ status: 'rejected' });
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(LeaseLost);
    const released = results
      .filter((r) => r.status === 'fulfilled')
      .map((r) => (r as PromiseFulfilledResult<{ releasedBlob: string | null }>).value.releasedBlob);
    // The message's last job, within the same transaction, drops the message and names its body.
    expect(released).toEqual([null, 'blob-1']);
    expect(await database.db.selectFrom('queue_domains').select('id').execute()).toEqual([]);
    expect(await database.db.selectFrom('queue_messages').select('id').execute()).toEqual([]);
    expect(await database.db.selectFrom('queue_recipients').select('address').execute()).toEqual([]);
  });
});
