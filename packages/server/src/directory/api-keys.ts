import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError, newId } from '../shared/index.js';
import type { ApiKeysTable, DB } from '../store/index.js';
import type { Domains } from './domains.js';
import { type ApiKey, SCOPES, type Scope } from './types.js';

const KEY_PREFIX = 'jdk_';
/** last_used_at is refreshed at most this often, so a busy key does not write on every request. */
const TOUCH_INTERVAL_MS = 60_000;

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
  });
  const base = () =>
    db
      .selectFrom('api_keys')
      .leftJoin('domains', 'domains.id', 'api_keys.domain_id')
      .selectAll('api_keys')
      .select('domains.name as domain');

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
      const key = KEY_PREFIX + randomBytes(32).toString('base64url');
      const row = {
        id: newId(),
        name,
        prefix: key.slice(0, 12),
        hash: sha256(key),
        scopes: JSON.stringify(scopes),
        domain_id: domain?.id ?? null,
        created_at: Date.now(),
        last_used_at: null,
        revoked_at: null,
      };
      await db.insertInto('api_keys').values(row).execute();
      return { key, apiKey: toKey({ ...row, domain: domain?.name ?? null }) };
    },
    async verify(token: string): Promise<ApiKey | null> {
      if (!token.startsWith(KEY_PREFIX) || token.length > 200) return null;
      const row = await base()
        .where('api_keys.hash', '=', sha256(token))
        .where('api_keys.revoked_at', 'is', null)
        .executeTakeFirst();
      if (!row) return null;
      const now = Date.now();
      if (row.last_used_at === null || now - Number(row.last_used_at) > TOUCH_INTERVAL_MS) {
        await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
      }
      return toKey(row);
    },
    async list(): Promise<ApiKey[]> {
      const rows = await base()
        .where('api_keys.revoked_at', 'is', null)
        .orderBy('api_keys.created_at')
        .execute();
      return rows.map(toKey);
    },
    async revoke(id: string): Promise<void> {
      const r = await db
        .updateTable('api_keys')
        .set({ revoked_at: Date.now() })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0)
        throw new AppError('API_KEY_NOT_FOUND', `API key ${id} does not exist`);
    },
  };
}
