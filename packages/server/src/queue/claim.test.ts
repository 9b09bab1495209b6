import { afterEach, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import type { Database } from '../store/index.js';
import { openDatabase } from '../store/index.js';
import { claimDue, releaseAbandoned } from './claim.js';
import { planOutbound } from './plan.js';
import { LeaseLost, recordAttempt } from './record.js';

const databases = useDatabases();
const opened: Database[] = [];
afterEach(async () => {
  for (const d of opened.splice(0)) await d.close();
});

async function open(t: Awaited<ReturnType<typeof databases.fresh>>): Promise<Database> {
  const d = await openDatabase({ dataDir: t.dataDir, databaseUrl: t.databaseUrl });
  opened.push(d);
  return d;
}

/** Inserts `n` queued jobs (one message each, due at `now`), as the store's commit would. */
async function queueJobs(database: Database, n: number, now: number): Promise<void> {
  for (let i = 0; i < n; i += 100) {
    const plans = Array.from({ length: Math.min(100, n - i) }, (_, k) =>
      planOutbound({
        mailFrom: 'a@example.test',
        recipients: [`r${i + k}@remote.test`],
        headerMessageId: null,
        subject: '',
        size: 1,
        smtputf8: false,
        now,
      }),
    );
    await database.db
      .insertInto('queue_messages')
      .values(plans.map((p) => ({ ...p.message, blob_id: 'b' })))
      .execute();
    await database.db
      .insertInto('queue_domains')
      .values(plans.flatMap((p) => p.domains))
      .execute();
    await database.db
      .insertInto('queue_recipients')
      .values(plans.flatMap((p) => p.recipients))
      .execute();
  }
}

describe('claiming on postgres', () => {
  it('never hands one job to two concurrent claimers', async () => {
    const t = await databases.fresh('postgres');
    const a = await open(t);
    const b = await open(t);
    const now = Date.now();
    await queueJobs(a, 300, now - 1000);
    const claimed: string[] = [];
    const claimer = async (database: Database, owner: string) => {
      for (;;) {
        const jobs = await claimDue(database, owner, 7, now, 60_000);
        if (jobs.length === 0) return;
        claimed.push(...jobs.map((j) => j.id));
      }
    };
    // Two connections pools, several claim loops each, all at once.
    await Promise.all([
      claimer(a, 'node-a'),
      claimer(a, 'node-a2'),
      claimer(b, 'node-b'),
      claimer(b, 'node-b2'),
    ]);
    expect(claimed).toHaveLength(300);
    expect(new Set(claimed).size).toBe(300);
    const owners = await a.db.selectFrom('queue_domains').select('lease_owner').distinct().execute();
    expect(owners.length).toBeGreaterThan(1);
  });

  it('takes over a job whose lease ran out, and its first holder can then record nothing', async () => {
    const t = await databases.fresh('postgres');
    const database = await open(t);
    const now = Date.now();
    await queueJobs(database, 1, now - 1000);
    const [job] = await claimDue(database, 'dead-node', 10, now, 5_000);
    expect(job).toBeDefined();
    // Still leased: nobody else gets it.
    expect(await claimDue(database, 'other', 10, now + 4_000, 5_000)).toEqual([]);
    const [taken] = await claimDue(database, 'other', 10, now + 5_001, 5_000);
    expect(taken?.id).toBe(job?.id);
    await expect(
      recordAttempt(database, 'dead-node', {
        jobId: job?.id ?? '',
        queueMessageId: job?.queue_message_id ?? '',
        outcomes: [],
        remaining: 0,
        nextAttemptAt: now,
        lastError: null,
        delayNotified: false,
        now,
      }),
    ).rejects.toBeInstanceOf(LeaseLost);
  });
});

describe.each(databases.engines)('claiming on %s', (engine) => {
  it('takes due jobs in due order, leaves later ones, and puts back a crashed run’s jobs', async () => {
    const database = await open(await databases.fresh(engine));
    const now = Date.now();
    await queueJobs(database, 3, now - 1000);
    await queueJobs(database, 2, now + 60_000);
    const first = await claimDue(database, 'me', 2, now, 60_000);
    expect(first).toHaveLength(2);
    expect(first.every((j) => j.state === 'sending' && j.lease_owner === 'me')).toBe(true);
    expect(await claimDue(database, 'me', 10, now, 60_000)).toHaveLength(1);
    expect(await claimDue(database, 'me', 10, now, 60_000)).toHaveLength(0);
    // A restart (SQLite's way): everything left `sending` is due again at once.
    expect(await releaseAbandoned(database, now)).toBe(3);
    expect(await claimDue(database, 'me', 10, now, 60_000)).toHaveLength(3);
  });

  it('reads the same few index entries with 20,000 jobs waiting as with 1,000', async () => {
    const database = await open(await databases.fresh(engine));
    const now = Date.now();
    await queueJobs(database, 1000, now + 3600_000);
    const plan = await explainClaim(database, now);
    await queueJobs(database, 19_000, now + 3600_000);
    // The claim walks `queue_domains_due` from its start: no scan, no sort of the queue.
    expect(await explainClaim(database, now)).toEqual(plan);
    expect(plan).toMatch(/queue_domains_due/);
    expect(plan).not.toMatch(/Seq Scan|SCAN queue_domains\b(?! USING)|Sort|TEMP B-TREE/i);
  });
});

/** The engine's plan for the claim's inner SELECT, as text. */
async function explainClaim(database: Database, now: number): Promise<string> {
  const q = database.db
    .selectFrom('queue_domains')
    .select('id')
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(64)
    .compile();
  const { sql: text, parameters } = q;
  // Fresh statistics, as autovacuum would have them on a queue that grew this large.
  await database.db.executeQuery({
    ...q,
    sql: database.engine === 'postgres' ? 'ANALYZE queue_domains' : 'ANALYZE',
    parameters: [],
  });
  const prefix = database.engine === 'postgres' ? 'EXPLAIN (COSTS OFF) ' : 'EXPLAIN QUERY PLAN ';
  const { rows } = await database.db.executeQuery({ ...q, sql: prefix + text, parameters });
  // SQLite's rows carry node ids that change with the schema's age; its `detail` is the plan.
  return rows
    .map((r) =>
      database.engine === 'sqlite' ? (r as { detail: string }).detail : Object.values(r as object).join(' '),
    )
    .join('\n');
}
