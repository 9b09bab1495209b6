import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError, newId } from '../shared/index.js';
import type { ApiKeysTable, DB } from '../store/index.js';
import type { Domains } from './domains.js';
import { type ApiKey, type ListApiKeysOptions, type Page, SCOPES, type Scope } from './types.js';
import { cursor } from './validate.js';

const KEY_PREFIX = 'jdk_';
/** last_used_at is refreshed at most this often, so a busy key does not write on every request. */
const TOUCH_INTERVAL_MS = 60_000;

/** A rotated key works on for this long by default, so every client can be given the new one. */
export const ROTATE_GRACE_DEFAULT_SECONDS = 24 * 3600;
/** The longest a rotated key may work on: a leaked key must not outlive its rotation by much. */
export const ROTATE_GRACE_MAX_SECONDS = 30 * 24 * 3600;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Expands `*` and `resource:*` and rejects unknown scopes. */
export function parseScopes(input: string[]): Scope[] {
  const out = new Set<Scope>();
  for (const raw of input) {
    const s = raw.trim();
    const matches =
      s === '*'
        ? [...SCOPES]
        : s.endsWith(':*')
          ? SCOPES.filter((x) => x.startsWith(s.slice(0, -1)))
          : SCOPES.filter((x) => x === s);
    if (matches.length === 0) {
      throw new AppError(
        'VALIDATION_FAILED',
        `scopes: unknown scope "${s}" (known: ${SCOPES.join(', ')}, resource:* or *)`,
        { field: 'scopes' },
      );
    }
    for (const m of matches) out.add(m);
  }
  if (out.size === 0)
    throw new AppError('VALIDATION_FAILED', 'scopes: at least one scope is required', { field: 'scopes' });
  return SCOPES.filter((s) => out.has(s));
}

/**
 * API keys: `jdk_` + 256 random bits, shown once. Only a SHA-256 of the key is
 * stored — a KDF adds nothing for a full-entropy secret and would make every
 * request slow.
 *
 * `revoked_at` is when a key stops working: null while it works with no end,
 * a past time once revoked, a future time for a key that was rotated and
 * works on until then (the grace period).
 */
export function createApiKeys(db: Kysely<DB>, domains: Domains) {
  const toKey = (r: ApiKeysTable & { domain: string | null }): ApiKey => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    scopes: JSON.parse(r.scopes) as Scope[],
    domain: r.domain,
    createdAt: Number(r.created_at),
    lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
    expiresAt: r.revoked_at === null ? null : Number(r.revoked_at),
  });
  const base = () =>
    db
      .selectFrom('api_keys')
      .leftJoin('domains', 'domains.id', 'api_keys.domain_id')
      .selectAll('api_keys')
      .select('domains.name as domain');
  /** Keys that still work at `now`. */
  const working = (now: number) =>
    base().where((eb) => eb.or([eb('api_keys.revoked_at', 'is', null), eb('api_keys.revoked_at', '>', now)]));

  async function getWorking(id: string): Promise<ApiKey> {
    const row = await working(Date.now()).where('api_keys.id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('API_KEY_NOT_FOUND', `API key ${id} does not exist`);
    return toKey(row);
  }

  async function insert(
    db: Kysely<DB>,
    input: { name: string; scopes: Scope[]; domainId: string | null; domain: string | null },
  ): Promise<{ key: string; apiKey: ApiKey }> {
    const key = KEY_PREFIX + randomBytes(32).toString('base64url');
    const row = {
      id: newId(),
      name: input.name,
      prefix: key.slice(0, 12),
      hash: sha256(key),
      scopes: JSON.stringify(input.scopes),
      domain_id: input.domainId,
      created_at: Date.now(),
      last_used_at: null,
      revoked_at: null,
    };
    await db.insertInto('api_keys').values(row).execute();
    return { key, apiKey: toKey({ ...row, domain: input.domain }) };
  }

  return {
    async create(input: {
      name: string;
      scopes: string[];
      domain?: string | null;
    }): Promise<{ key: string; apiKey: ApiKey }> {
      const name = input.name.trim();
      if (!name) throw new AppError('VALIDATION_FAILED', 'name: must not be empty', { field: 'name' });
      const scopes = parseScopes(input.scopes);
      const domain = input.domain ? await domains.get(input.domain) : null;
      return insert(db, { name, scopes, domainId: domain?.id ?? null, domain: domain?.name ?? null });
    },
    async verify(token: string): Promise<ApiKey | null> {
      if (!token.startsWith(KEY_PREFIX) || token.length > 200) return null;
      const now = Date.now();
      const row = await working(now).where('api_keys.hash', '=', sha256(token)).executeTakeFirst();
      if (!row) return null;
      if (row.last_used_at === null || now - Number(row.last_used_at) > TOUCH_INTERVAL_MS) {
        await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
      }
      return toKey(row);
    },
    get: getWorking,
    /** Keys that still work (rotated ones until their grace ends), in id order (about creation order). */
    async list(options: ListApiKeysOptions = {}): Promise<Page<ApiKey>> {
      const limit = options.limit ?? 50;
      let q = working(Date.now());
      if (options.visibleDomains) {
        const names = [...options.visibleDomains];
        if (names.length === 0) return { items: [], nextCursor: null };
        q = q.where('domains.name', 'in', names);
      }
      // Ids start with their creation time (shared/ids.ts): id order is creation order to the millisecond, and a stable key.
      const after = cursor.decode(options.cursor);
      if (after !== undefined) q = q.where('api_keys.id', '>', after);
      const rows = await q
        .orderBy('api_keys.id')
        .limit(limit + 1)
        .execute();
      const items = rows.slice(0, limit).map(toKey);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last ? cursor.encode(last.id) : null };
    },
    async revoke(id: string): Promise<void> {
      const now = Date.now();
      const r = await db
        .updateTable('api_keys')
        .set({ revoked_at: now })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('revoked_at', 'is', null), eb('revoked_at', '>', now)]))
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0)
        throw new AppError('API_KEY_NOT_FOUND', `API key ${id} does not exist`);
    },
    /**
     * A new key with the same name, scopes and domain; the old one works on
     * for `graceSeconds` (0: it stops now), so clients can move over without
     * an outage. A key that is already being rotated away cannot be rotated again.
     */
    async rotate(
      id: string,
      graceSeconds = ROTATE_GRACE_DEFAULT_SECONDS,
    ): Promise<{ key: string; apiKey: ApiKey }> {
      if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > ROTATE_GRACE_MAX_SECONDS) {
        throw new AppError(
          'VALIDATION_FAILED',
          `graceSeconds: must be a whole number from 0 to ${ROTATE_GRACE_MAX_SECONDS}`,
          { field: 'graceSeconds' },
        );
      }
      return db.transaction().execute(async (trx) => {
        const now = Date.now();
        const old = await trx
          .selectFrom('api_keys')
          .leftJoin('domains', 'domains.id', 'api_keys.domain_id')
          .selectAll('api_keys')
          .select('domains.name as domain')
          .where('api_keys.id', '=', id)
          .where('api_keys.revoked_at', 'is', null)
          .executeTakeFirst();
        if (!old)
          throw new AppError('API_KEY_NOT_FOUND', `API key ${id} does not exist or is already rotated`);
        const r = await trx
          .updateTable('api_keys')
          .set({ revoked_at: now + graceSeconds * 1000 })
          .where('id', '=', id)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        // Two rotations at once: only one may make the successor.
        if (Number(r.numUpdatedRows) === 0)
          throw new AppError('API_KEY_NOT_FOUND', `API key ${id} was just rotated`);
        return insert(trx, {
          name: old.name,
          scopes: JSON.parse(old.scopes) as Scope[],
          domainId: old.domain_id,
          domain: old.domain,
        });
      });
    },
  };
}
