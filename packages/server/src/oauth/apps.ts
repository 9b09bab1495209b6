import type { Kysely } from 'kysely';
import { type Directory, type Page, parseScopes, type Scope } from '../directory/index.js';
import { AppError } from '../shared/index.js';
import type { AppsTable, DB } from '../store/index.js';
import { parseAllowedOrigins, readAllowedOrigins } from './origins.js';
import { DUMMY_HASH, hashSecret, newClientId, newClientSecret, secretMatches } from './secrets.js';
import type { App, AppRegistry, AppWithSecret, ListAppsOptions, UpdateAppInput } from './types.js';

/** last_used_at is refreshed at most this often, so a busy app does not write on every token. */
const TOUCH_INTERVAL_MS = 60_000;
const MAX_NAME = 200;

export interface AppRegistryDeps {
  db: Kysely<DB>;
  /** For the domain restriction: resolves a domain name to its id (DOMAIN_NOT_FOUND otherwise). */
  directory: Pick<Directory, 'getDomain'>;
  now: () => number;
}

type AppRow = AppsTable & { domain: string | null };

const toApp = (r: AppRow): App => ({
  clientId: r.client_id,
  name: r.name,
  scopes: JSON.parse(r.scopes) as Scope[],
  domain: r.domain,
  enabled: Boolean(r.enabled),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  secretRotatedAt: Number(r.secret_rotated_at),
  lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
  allowedOrigins: readAllowedOrigins(r.allowed_origins),
});

function validName(name: string): string {
  const n = name.trim();
  if (!n || n.length > MAX_NAME) {
    throw new AppError('VALIDATION_FAILED', `name: must be 1 to ${MAX_NAME} characters`, { field: 'name' });
  }
  return n;
}

const cursor = {
  encode: (clientId: string) => Buffer.from(clientId).toString('base64url'),
  decode(value: string | undefined): string | undefined {
    if (value === undefined || value === '') return undefined;
    // A value this did not make (no printable client id that encodes back to it) would start
    // the page anywhere, or (a NUL) be refused by PostgreSQL.
    const clientId = /^[A-Za-z0-9_-]{1,200}$/.test(value)
      ? Buffer.from(value, 'base64url').toString('utf8')
      : '';
    if (!/^[\x21-\x7e]+$/.test(clientId) || cursor.encode(clientId) !== value)
      throw new AppError('INVALID_CURSOR');
    return clientId;
  },
};

/**
 * Registered apps in the metadata database. The client secret is shown once
 * (at creation and at each rotation); only its SHA-256 is stored.
 */
export function createAppRegistry({ db, directory, now }: AppRegistryDeps): AppRegistry {
  const base = () =>
    db
      .selectFrom('apps')
      .leftJoin('domains', 'domains.id', 'apps.domain_id')
      .selectAll('apps')
      .select('domains.name as domain');

  async function find(clientId: string): Promise<AppRow | undefined> {
    if (clientId.length > 100) return undefined;
    return base().where('apps.client_id', '=', clientId).executeTakeFirst();
  }

  async function get(clientId: string): Promise<App> {
    const row = await find(clientId);
    if (!row) throw new AppError('APP_NOT_FOUND', `app ${clientId} does not exist`);
    return toApp(row);
  }

  return {
    async create(input): Promise<AppWithSecret> {
      const name = validName(input.name);
      const scopes = parseScopes(input.scopes);
      const domain = input.domain ? await directory.getDomain(input.domain) : null;
      const t = now();
      const clientSecret = newClientSecret();
      const row: AppsTable = {
        client_id: newClientId(t),
        name,
        secret_hash: hashSecret(clientSecret),
        scopes: JSON.stringify(scopes),
        domain_id: domain?.id ?? null,
        enabled: 1,
        created_at: t,
        updated_at: t,
        secret_rotated_at: t,
        last_used_at: null,
        allowed_origins: JSON.stringify(parseAllowedOrigins(input.allowedOrigins ?? [])),
      };
      await db.insertInto('apps').values(row).execute();
      return { app: toApp({ ...row, domain: domain?.name ?? null }), clientSecret };
    },

    get,

    async list(options: ListAppsOptions): Promise<Page<App>> {
      const after = cursor.decode(options.cursor);
      let q = base()
        .orderBy('apps.client_id')
        .limit(options.limit + 1);
      if (after !== undefined) q = q.where('apps.client_id', '>', after);
      if (options.visibleDomains) {
        const visible = [...options.visibleDomains];
        if (visible.length === 0) return { items: [], nextCursor: null };
        q = q.where('domains.name', 'in', visible);
      }
      const rows = await q.execute();
      const items = rows.slice(0, options.limit).map(toApp);
      const last = items[items.length - 1];
      return {
        items,
        nextCursor: rows.length > options.limit && last ? cursor.encode(last.clientId) : null,
      };
    },

    async update(clientId: string, patch: UpdateAppInput): Promise<App> {
      const app = await get(clientId);
      const set: Partial<AppsTable> = { updated_at: now() };
      if (patch.name !== undefined) set.name = validName(patch.name);
      if (patch.enabled !== undefined) set.enabled = patch.enabled ? 1 : 0;
      if (patch.allowedOrigins !== undefined)
        set.allowed_origins = JSON.stringify(parseAllowedOrigins(patch.allowedOrigins));
      await db.updateTable('apps').set(set).where('client_id', '=', app.clientId).execute();
      return get(clientId);
    },

    async remove(clientId: string): Promise<void> {
      const r = await db.deleteFrom('apps').where('client_id', '=', clientId).executeTakeFirst();
      if (Number(r.numDeletedRows) === 0)
        throw new AppError('APP_NOT_FOUND', `app ${clientId} does not exist`);
    },

    async rotateSecret(clientId: string): Promise<AppWithSecret> {
      const app = await get(clientId);
      const clientSecret = newClientSecret();
      const t = now();
      await db
        .updateTable('apps')
        .set({ secret_hash: hashSecret(clientSecret), secret_rotated_at: t, updated_at: t })
        .where('client_id', '=', app.clientId)
        .execute();
      return { app: await get(clientId), clientSecret };
    },

    async authenticate(clientId: string, secret: string): Promise<App | null> {
      const row = secret.length <= 200 ? await find(clientId) : undefined;
      // Compare against something even for unknown clients, so timing does not tell which ids exist.
      const ok = secretMatches(secret, row?.secret_hash ?? DUMMY_HASH);
      if (!row || !ok) return null;
      const t = now();
      if (row.last_used_at === null || t - Number(row.last_used_at) > TOUCH_INTERVAL_MS) {
        await db
          .updateTable('apps')
          .set({ last_used_at: t })
          .where('client_id', '=', row.client_id)
          .execute();
      }
      return toApp(row);
    },

    async allAllowedOrigins(): Promise<Set<string>> {
      const rows = await db
        .selectFrom('apps')
        .select('allowed_origins')
        .where('enabled', '=', 1)
        .where('allowed_origins', '!=', '[]')
        .execute();
      return new Set(rows.flatMap((r) => readAllowedOrigins(r.allowed_origins)));
    },
  };
}
