import { type Kysely, sql } from 'kysely';
import type { DB } from '../../store/index.js';
import type { SenderHistoryInput } from './mail-features.js';

/**
 * Sender history, a mail feature of the spam score (migration
 * 0019-sender-history): per local domain, the remote addresses its users
 * wrote to (and their domains, kept as `@domain`), and the senders whose mail
 * was learned as ham there. Rows are counters upserted on both engines; the
 * DATA-time lookup goes through an in-process cache, so a busy sender costs
 * no query per message.
 */
export interface SenderHistory {
  /** What the recipients' domains know of the senders (envelope and From addresses); null when none is given. */
  lookup(localDomains: readonly string[], senders: readonly string[]): Promise<SenderHistoryInput | null>;
  /** A local user of `localDomain` wrote to these remote addresses. */
  noteWritten(localDomain: string, recipients: readonly string[]): Promise<void>;
  /** Mail from `sender` was learned as ham for a user (by id) of a local domain. */
  noteHam(userId: string, sender: string): Promise<void>;
}

export interface SenderHistoryDeps {
  db: Kysely<DB>;
  /** How long a looked-up row is trusted (other nodes' writes are seen after it). */
  cacheMs?: number;
  maxCached?: number;
  now?: () => number;
}

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1);
const domainKey = (address: string) => `@${domainOf(address)}`;
/** Addresses as keys: lower case, and only ones with a domain part (the null sender has none). */
const clean = (addresses: readonly string[]) =>
  [...new Set(addresses.map((a) => a.trim().toLowerCase()))].filter((a) =>
    /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(a),
  );

interface Row {
  written: number;
  ham: number;
}

export function createSenderHistory(deps: SenderHistoryDeps): SenderHistory {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  const cacheMs = deps.cacheMs ?? 60_000;
  const maxCached = deps.maxCached ?? 20_000;
  const cache = new Map<string, { row: Row; until: number }>();
  const keyOf = (domain: string, sender: string) => `${domain}\n${sender}`;

  function remember(domain: string, sender: string, row: Row): void {
    if (cache.size >= maxCached) cache.delete(cache.keys().next().value as string);
    cache.set(keyOf(domain, sender), { row, until: now() + cacheMs });
  }

  async function rows(domains: string[], senders: string[]): Promise<Map<string, Row>> {
    const out = new Map<string, Row>();
    const missing = new Set<string>();
    for (const d of domains)
      for (const s of senders) {
        const hit = cache.get(keyOf(d, s));
        if (hit && hit.until > now()) out.set(keyOf(d, s), hit.row);
        else missing.add(s);
      }
    if (missing.size === 0) return out;
    const found = await db
      .selectFrom('sender_history')
      .select(['domain', 'sender', 'written', 'ham'])
      .where('domain', 'in', domains)
      .where('sender', 'in', [...missing])
      .execute();
    const byKey = new Map(found.map((r) => [keyOf(r.domain, r.sender), r]));
    for (const d of domains)
      for (const s of missing) {
        const r = byKey.get(keyOf(d, s));
        const row = { written: Number(r?.written ?? 0), ham: Number(r?.ham ?? 0) };
        remember(d, s, row);
        out.set(keyOf(d, s), row);
      }
    return out;
  }

  async function bump(domain: string, senders: string[], column: 'written' | 'ham'): Promise<void> {
    if (senders.length === 0) return;
    const at = now();
    await db
      .insertInto('sender_history')
      .values(
        senders.map((sender) => ({
          domain,
          sender,
          written: column === 'written' ? 1 : 0,
          ham: column === 'ham' ? 1 : 0,
          updated_at: at,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['domain', 'sender']).doUpdateSet({
          [column]: sql`sender_history.${sql.ref(column)} + 1`,
          updated_at: at,
        }),
      )
      .execute();
    // This process sees its own write at once; other nodes within `cacheMs`.
    for (const s of senders) cache.delete(keyOf(domain, s));
  }

  return {
    async lookup(localDomains, senders) {
      const addresses = clean(senders);
      const domains = [...new Set(localDomains.map((d) => d.toLowerCase()))];
      if (addresses.length === 0 || domains.length === 0) return null;
      const keys = [...new Set([...addresses, ...addresses.map(domainKey)])];
      const found = await rows(domains, keys);
      const any = (pick: (r: Row) => boolean, which: string[]) =>
        domains.some((d) =>
          which.some((s) => {
            const r = found.get(keyOf(d, s));
            return r !== undefined && pick(r);
          }),
        );
      return {
        writtenTo: any((r) => r.written > 0, addresses),
        domainWrittenTo: any((r) => r.written > 0, addresses.map(domainKey)),
        hamLearned: any((r) => r.ham > 0, addresses),
      };
    },
    async noteWritten(localDomain, recipients) {
      const addresses = clean(recipients);
      const keys = [...new Set([...addresses, ...addresses.map(domainKey)])];
      await bump(localDomain.toLowerCase(), keys, 'written');
    },
    async noteHam(userId, sender) {
      const [address] = clean([sender]);
      if (!address) return;
      const user = await db.selectFrom('users').select('address').where('id', '=', userId).executeTakeFirst();
      if (!user) return;
      await bump(domainOf(user.address), [address], 'ham');
    },
  };
}
