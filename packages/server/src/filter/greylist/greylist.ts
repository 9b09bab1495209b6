import { createHash } from 'node:crypto';
import net from 'node:net';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { clientKey, unmapIPv4 } from '../../limits/index.js';
import type { DB } from '../../store/index.js';

export interface GreylistSettings {
  delaySeconds: number;
  retryWindowHours: number;
  passLifetimeDays: number;
}

/** One delivery attempt as RCPT TO sees it. */
export interface Triplet {
  /** The client's IP address; counted by its /24 (IPv4) or /64 (IPv6). */
  client: string;
  /** Envelope sender ('' = the null sender). */
  sender: string;
  recipient: string;
}

export type GreylistDecision = { pass: true } | { pass: false; retryAfterSeconds: number };

export interface Greylist {
  /** Records the attempt and says whether it may pass now. */
  check(triplet: Triplet): Promise<GreylistDecision>;
  /** Deletes the rows past their lifetime; returns how many. */
  prune(): Promise<number>;
}

export interface GreylistDeps {
  db: Kysely<DB>;
  settings: GreylistSettings;
  /** Epoch ms; for tests. */
  now?: () => number;
  log?: Logger;
}

/** Passed triplets are renewed at most this often: a busy sender costs no write per message. */
const RENEW_EVERY_MS = 60 * 60_000;
/** How often a check also prunes (in the background). */
const PRUNE_EVERY_MS = 60 * 60_000;

/**
 * The network a client is counted by: big senders retry from another address
 * of the same pool (the /24 that Postgrey and rspamd use; one IPv6 host owns a /64).
 */
export function clientNetwork(address: string): string {
  const ip = unmapIPv4(address.trim().toLowerCase());
  if (net.isIP(ip) === 4) return `${ip.split('.').slice(0, 3).join('.')}.0/24`;
  return clientKey(ip, 64);
}

function tripletKey(t: Triplet): string {
  const parts = [clientNetwork(t.client), t.sender.toLowerCase(), t.recipient.toLowerCase()];
  return createHash('sha256').update(parts.join('\n')).digest('base64url').slice(0, 32);
}

/**
 * Greylisting state in the SQL store (migration 0013-greylist). Each node
 * decides from the shared row, so several MX nodes agree: a triplet that a
 * client first tried on one node passes when it retries on another.
 */
export function createGreylist(deps: GreylistDeps): Greylist {
  const { db, settings } = deps;
  const now = deps.now ?? Date.now;
  const delayMs = settings.delaySeconds * 1000;
  const windowMs = settings.retryWindowHours * 3_600_000;
  const lifetimeMs = settings.passLifetimeDays * 86_400_000;
  let lastPrune = now();

  const restart = (triplet: string, t: number) =>
    db
      .updateTable('greylist')
      .set({ first_seen: t, passed_at: null, expires_at: t + windowMs })
      .where('triplet', '=', triplet)
      .execute();

  /**
   * The triplet's row, inserted when new. Insert-or-keep: two nodes seeing the first attempt at
   * once both read the one row after. A prune (this node's or another's) may delete an expired row
   * between the insert and the read: then it is inserted again, as the new attempt it now is.
   */
  async function rowOf(triplet: string, t: number) {
    for (;;) {
      await db
        .insertInto('greylist')
        .values({ triplet, first_seen: t, passed_at: null, expires_at: t + windowMs })
        .onConflict((oc) => oc.column('triplet').doNothing())
        .execute();
      const row = await db
        .selectFrom('greylist')
        .selectAll()
        .where('triplet', '=', triplet)
        .executeTakeFirst();
      if (row) return row;
    }
  }

  async function prune(): Promise<number> {
    const r = await db.deleteFrom('greylist').where('expires_at', '<', now()).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  function maybePrune(t: number) {
    if (t - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = t;
    prune().catch((err: unknown) => deps.log?.warn({ err }, 'greylist prune failed'));
  }

  return {
    prune,
    async check(input) {
      const t = now();
      try {
        return await decide(tripletKey(input), t);
      } finally {
        // After the decision and its writes: a prune running beside them could delete this very row.
        maybePrune(t);
      }
    },
  };

  async function decide(triplet: string, t: number): Promise<GreylistDecision> {
    const row = await rowOf(triplet, t);
    if (row.expires_at < t) {
      // Passed too long ago, or retried after the window: a new triplet.
      await restart(triplet, t);
      return { pass: false, retryAfterSeconds: settings.delaySeconds };
    }
    if (row.passed_at !== null) {
      if (t + lifetimeMs - row.expires_at > RENEW_EVERY_MS)
        await db
          .updateTable('greylist')
          .set({ expires_at: t + lifetimeMs })
          .where('triplet', '=', triplet)
          .execute();
      return { pass: true };
    }
    const waited = t - row.first_seen;
    if (waited < delayMs) return { pass: false, retryAfterSeconds: Math.ceil((delayMs - waited) / 1000) };
    await db
      .updateTable('greylist')
      .set({ passed_at: t, expires_at: t + lifetimeMs })
      .where('triplet', '=', triplet)
      .execute();
    return { pass: true };
  }
}
