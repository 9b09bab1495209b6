// Queue claim time against the length of the queue: a fresh jdmail database (SQLite, or
// PostgreSQL with `databaseUrl`) is filled with `rows` due delivery jobs, then the worker's own
// claim (`claimDue` from the built server) takes `batch` of them `claims` times. The claim reads
// the due index in order and stops after `batch` rows, so its time should not grow with `rows`.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { median } from '../../smtp-ingest/lib/util.mjs';

const CHUNK = 500;

/** Inserts `rows` due jobs (one message each, one recipient) in chunks, in one transaction. */
async function fill(db, rows, now) {
  await db.transaction().execute(async (trx) => {
    for (let start = 0; start < rows; start += CHUNK) {
      const n = Math.min(CHUNK, rows - start);
      const ids = Array.from({ length: n }, (_, k) => String(start + k).padStart(9, '0'));
      await trx
        .insertInto('queue_messages')
        .values(
          ids.map((id) => ({
            id: `m${id}`,
            blob_id: `b${id}`,
            size: 10_240,
            mail_from: 'sender@bench.test',
            sender_user_id: null,
            sender_domain: 'bench.test',
            header_message_id: null,
            subject: 'claim bench',
            kind: 'mail',
            smtputf8: 0,
            created_at: now - 60_000,
            expires_at: now + 86_400_000,
          })),
        )
        .execute();
      await trx
        .insertInto('queue_domains')
        .values(
          ids.map((id, k) => ({
            id: `d${id}`,
            queue_message_id: `m${id}`,
            domain: `d${(start + k) % 1000}.example`,
            state: 'queued',
            attempts: 0,
            // Spread over the last minute: due, in an order unrelated to the ids.
            next_attempt_at: now - 60_000 + (((start + k) * 7919) % 60_000),
            lease_owner: null,
            lease_until: null,
            last_code: null,
            last_enhanced: null,
            last_response: null,
            last_attempt_at: null,
            delay_notified: 0,
            created_at: now - 60_000,
            updated_at: now - 60_000,
          })),
        )
        .execute();
    }
  });
}

/**
 * @param {{ serverDist: string, rows: number, claims: number, batch: number, databaseUrl?: string }} o
 * @returns {Promise<{ rows: number, claims: number, batch: number, claimed: number, medianMs: number, p95Ms: number, fillSec: number }>}
 */
export async function measureClaim(o) {
  const store = await import(pathToFileURL(join(o.serverDist, 'store/index.js')).href);
  // The worker's claim itself; not part of queue/'s public face, which the bench may read.
  const { claimDue } = await import(pathToFileURL(join(o.serverDist, 'queue/claim.js')).href);
  const dataDir = mkdtempSync(join(os.tmpdir(), 'jdmail-claim-'));
  const database = await store.openDatabase({ dataDir, databaseUrl: o.databaseUrl ?? '' });
  try {
    const now = Date.now();
    const t0 = performance.now();
    await fill(database.db, o.rows, now);
    const fillSec = (performance.now() - t0) / 1000;
    const times = [];
    let claimed = 0;
    for (let i = 0; i < o.claims; i++) {
      const s = performance.now();
      const got = await claimDue(database, 'bench', o.batch, Date.now(), 900_000);
      times.push(performance.now() - s);
      claimed += got.length;
    }
    times.sort((a, b) => a - b);
    return {
      rows: o.rows,
      claims: o.claims,
      batch: o.batch,
      claimed,
      medianMs: median(times),
      p95Ms: times[Math.min(times.length - 1, Math.floor(times.length * 0.95))],
      fillSec,
    };
  } finally {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
