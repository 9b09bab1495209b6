import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../store/index.js';
import type { TokenCounts } from './bayes.js';

/** The global model's scope; a user's scope is their user id. */
export const GLOBAL_SCOPE = '';

export type SpamClass = 'spam' | 'ham';

/** One message to learn: its dedupe key, its class and its distinct token ids. */
export interface LearnItem {
  key: string;
  class: SpamClass;
  ids: readonly number[];
}

/** `learned`: counted now; `already`: learned before as the same class; `relearned`: moved from the other class. */
export type LearnOutcome = 'learned' | 'already' | 'relearned';

/** Spam and ham counts per token and per scope, in the SQL store (migration 0010-spam). */
export interface SpamTokenStore {
  /** Learned message counts, summed over `scopes`. */
  totals(scopes: readonly string[]): Promise<TokenCounts>;
  /** Counts of the tokens among `ids` that were ever learned, summed over `scopes`. */
  counts(scopes: readonly string[], ids: readonly number[]): Promise<Map<number, TokenCounts>>;
  /** Learns a batch of messages into `scope` in one transaction; `changes` is what it did to the counts. */
  learn(
    scope: string,
    items: readonly LearnItem[],
    now: number,
  ): Promise<{ outcomes: LearnOutcome[]; changes: CountChanges }>;
  /** Forgets a learned message; null when it was not learned in `scope`. */
  unlearn(scope: string, key: string, now: number): Promise<CountChanges | null>;
  /** One page of a scope's token rows, in token order after `after` (for loading a cache). */
  page(scope: string, after: number, limit: number): Promise<TokenRow[]>;
  /** A scope's token rows changed at or after `since` (ms), zeroed rows included. */
  changedSince(scope: string, since: number): Promise<TokenRow[]>;
}

/** One token's counts as stored. */
export interface TokenRow {
  token: number;
  spam: number;
  ham: number;
}

/** What a learn or unlearn changed: per-token count deltas and the change of the message totals. */
export interface CountChanges {
  readonly tokens: ReadonlyMap<number, TokenCounts>;
  readonly total: TokenCounts;
}

/** Ids per statement: well under SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 500;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Token ids as bytes: 8 each (float64, exact for 53-bit ids), for `spam_learned.tokens`. */
export function packIds(ids: readonly number[]): Uint8Array {
  return new Uint8Array(Float64Array.from(ids).buffer);
}

export function unpackIds(bytes: Uint8Array): number[] {
  const copy = new Uint8Array(bytes); // aligned, and owned: a Buffer may be a view into a pool
  return Array.from(new Float64Array(copy.buffer, 0, Math.floor(copy.byteLength / 8)));
}

/** Per-token changes of one batch, and the change of the message totals. */
class Deltas {
  readonly tokens = new Map<number, { spam: number; ham: number }>();
  readonly total = { spam: 0, ham: 0 };
  add(ids: readonly number[], cls: SpamClass, by: 1 | -1): void {
    this.total[cls] += by;
    for (const id of ids) {
      const d = this.tokens.get(id) ?? { spam: 0, ham: 0 };
      d[cls] += by;
      this.tokens.set(id, d);
    }
  }
}

async function applyIncrements(
  t: Transaction<DB>,
  scope: string,
  deltas: Deltas,
  now: number,
): Promise<void> {
  // Sorted ids: concurrent learners (several nodes) take row locks in one order and cannot deadlock.
  const rows = [...deltas.tokens]
    .filter(([, d]) => d.spam > 0 || d.ham > 0)
    .sort(([a], [b]) => a - b)
    .map(([token, d]) => ({ scope, token, spam: Math.max(d.spam, 0), ham: Math.max(d.ham, 0), at: now }));
  for (const chunk of chunks(rows)) {
    await t
      .insertInto('spam_tokens')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(['scope', 'token']).doUpdateSet({
          spam: sql`spam_tokens.spam + excluded.spam`,
          ham: sql`spam_tokens.ham + excluded.ham`,
          at: sql`excluded.at`,
        }),
      )
      .execute();
  }
}

async function applyDecrements(
  t: Transaction<DB>,
  scope: string,
  deltas: Deltas,
  now: number,
): Promise<void> {
  // Grouped by the amounts taken, so that one statement serves many tokens (almost always 1 of one class).
  const groups = new Map<string, number[]>();
  for (const [id, d] of deltas.tokens) {
    if (d.spam >= 0 && d.ham >= 0) continue;
    const key = `${Math.max(-d.spam, 0)}:${Math.max(-d.ham, 0)}`;
    groups.set(key, [...(groups.get(key) ?? []), id]);
  }
  for (const [key, ids] of groups) {
    const [spam, ham] = key.split(':').map(Number) as [number, number];
    for (const chunk of chunks(ids.sort((a, b) => a - b))) {
      await t
        .updateTable('spam_tokens')
        .set({
          spam: sql`case when spam > ${spam} then spam - ${spam} else 0 end`,
          ham: sql`case when ham > ${ham} then ham - ${ham} else 0 end`,
          // Zeroed rows stay, stamped: a node's cache learns of the change by `at` (token-cache.ts).
          at: now,
        })
        .where('scope', '=', scope)
        .where('token', 'in', chunk)
        .execute();
    }
  }
}

async function applyTotals(t: Transaction<DB>, scope: string, { spam, ham }: TokenCounts): Promise<void> {
  if (spam === 0 && ham === 0) return;
  await t
    .insertInto('spam_totals')
    .values({ scope, spam: Math.max(spam, 0), ham: Math.max(ham, 0) })
    .onConflict((oc) =>
      oc.column('scope').doUpdateSet({
        spam: sql`case when spam_totals.spam + ${spam} > 0 then spam_totals.spam + ${spam} else 0 end`,
        ham: sql`case when spam_totals.ham + ${ham} > 0 then spam_totals.ham + ${ham} else 0 end`,
      }),
    )
    .execute();
}

async function applyDeltas(t: Transaction<DB>, scope: string, deltas: Deltas, now: number): Promise<void> {
  await applyIncrements(t, scope, deltas, now);
  await applyDecrements(t, scope, deltas, now);
  await applyTotals(t, scope, deltas.total);
}

/** Learned rows of `keys` in `scope`: class and token ids. */
async function learnedRows(t: Transaction<DB>, scope: string, keys: readonly string[]) {
  const known = new Map<string, { class: SpamClass; ids: number[] }>();
  for (const chunk of chunks([...new Set(keys)])) {
    const rows = await t
      .selectFrom('spam_learned')
      .select(['message_key', 'class', 'tokens'])
      .where('scope', '=', scope)
      .where('message_key', 'in', chunk)
      .execute();
    for (const r of rows) known.set(r.message_key, { class: r.class, ids: unpackIds(r.tokens) });
  }
  return known;
}

function learnBatch(t: Transaction<DB>, scope: string, items: readonly LearnItem[], now: number) {
  return async (): Promise<{ outcomes: LearnOutcome[]; changes: CountChanges }> => {
    const known = await learnedRows(
      t,
      scope,
      items.map((i) => i.key),
    );
    const deltas = new Deltas();
    const outcomes: LearnOutcome[] = [];
    const rows = new Map<string, LearnItem>();
    for (const item of items) {
      const before = known.get(item.key);
      if (before?.class === item.class) {
        outcomes.push('already');
        continue;
      }
      if (before) deltas.add(before.ids, before.class, -1);
      deltas.add(item.ids, item.class, 1);
      known.set(item.key, { class: item.class, ids: [...item.ids] });
      rows.set(item.key, item);
      outcomes.push(before ? 'relearned' : 'learned');
    }
    await applyDeltas(t, scope, deltas, now);
    for (const chunk of chunks([...rows.values()], 100)) {
      const values = chunk.map((i) => ({
        scope,
        message_key: i.key,
        class: i.class,
        tokens: packIds(i.ids),
        at: now,
      }));
      await t
        .insertInto('spam_learned')
        .values(values)
        .onConflict((oc) =>
          oc.columns(['scope', 'message_key']).doUpdateSet({
            class: sql`excluded.class`,
            tokens: sql`excluded.tokens`,
            at: sql`excluded.at`,
          }),
        )
        .execute();
    }
    return { outcomes, changes: deltas };
  };
}

/** PostgreSQL's bigint columns may come back as strings: numbers, whatever the engine. */
function numbers(r: { token: number | string; spam: number | string; ham: number | string }): TokenRow {
  return { token: Number(r.token), spam: Number(r.spam), ham: Number(r.ham) };
}

/** The token store on the metadata database (SQLite or PostgreSQL). */
export function createSpamTokenStore(db: Kysely<DB>): SpamTokenStore {
  return {
    async totals(scopes) {
      const rows = await db
        .selectFrom('spam_totals')
        .select(['spam', 'ham'])
        .where('scope', 'in', scopes)
        .execute();
      return rows.reduce((s, r) => ({ spam: s.spam + Number(r.spam), ham: s.ham + Number(r.ham) }), {
        spam: 0,
        ham: 0,
      });
    },
    async counts(scopes, ids) {
      const out = new Map<number, TokenCounts>();
      for (const chunk of chunks(ids)) {
        const rows = await db
          .selectFrom('spam_tokens')
          .select(['token', 'spam', 'ham'])
          .where('scope', 'in', scopes)
          .where('token', 'in', chunk)
          .execute();
        for (const r of rows) {
          const c = out.get(r.token);
          if (c) {
            c.spam += r.spam;
            c.ham += r.ham;
          } else out.set(r.token, { spam: r.spam, ham: r.ham });
        }
      }
      return out;
    },
    learn(scope, items, now) {
      return db.transaction().execute((t) => learnBatch(t, scope, items, now)());
    },
    unlearn(scope, key, now) {
      return db.transaction().execute(async (t) => {
        const before = (await learnedRows(t, scope, [key])).get(key);
        if (!before) return null;
        const deltas = new Deltas();
        deltas.add(before.ids, before.class, -1);
        await applyDeltas(t, scope, deltas, now);
        await t
          .deleteFrom('spam_learned')
          .where('scope', '=', scope)
          .where('message_key', '=', key)
          .execute();
        return deltas;
      });
    },
    async page(scope, after, limit) {
      const rows = await db
        .selectFrom('spam_tokens')
        .select(['token', 'spam', 'ham'])
        .where('scope', '=', scope)
        .where('token', '>', after)
        .orderBy('token')
        .limit(limit)
        .execute();
      return rows.map(numbers);
    },
    async changedSince(scope, since) {
      const rows = await db
        .selectFrom('spam_tokens')
        .select(['token', 'spam', 'ham'])
        .where('scope', '=', scope)
        .where('at', '>=', since)
        .execute();
      return rows.map(numbers);
    },
  };
}
