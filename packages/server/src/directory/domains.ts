import type { Kysely } from 'kysely';
import { AppError, newId, normalizeDomain } from '../shared/index.js';
import type { DB } from '../store/index.js';
import type { Domain, Page } from './types.js';
import { cursor, validDomain } from './validate.js';

type DomainRow = { id: string; name: string; created_at: number };
const toDomain = (r: DomainRow): Domain => ({ id: r.id, name: r.name, createdAt: Number(r.created_at) });

/** Domains: the mail domains this install receives for. */
export function createDomains(db: Kysely<DB>) {
  async function find(name: string): Promise<Domain | undefined> {
    const row = await db
      .selectFrom('domains')
      .selectAll()
      .where('name', '=', normalizeDomain(name))
      .executeTakeFirst();
    return row ? toDomain(row) : undefined;
  }

  return {
    find,
    async get(name: string): Promise<Domain> {
      const d = await find(name);
      if (!d) throw new AppError('DOMAIN_NOT_FOUND', `domain ${name} does not exist`);
      return d;
    },
    async create(nameIn: string): Promise<Domain> {
      const name = validDomain(nameIn);
      if (await find(name)) throw new AppError('DOMAIN_EXISTS', `domain ${name} already exists`);
      const row = { id: newId(), name, created_at: Date.now() };
      await db.insertInto('domains').values(row).execute();
      return toDomain(row);
    },
    async list(options: {
      visibleDomains?: ReadonlySet<string> | null;
      limit: number;
      cursor?: string;
    }): Promise<Page<Domain>> {
      const after = cursor.decode(options.cursor);
      let q = db
        .selectFrom('domains')
        .selectAll()
        .orderBy('name')
        .limit(options.limit + 1);
      if (after !== undefined) q = q.where('name', '>', after);
      if (options.visibleDomains) {
        const visible = [...options.visibleDomains];
        if (visible.length === 0) return { items: [], nextCursor: null };
        q = q.where('name', 'in', visible);
      }
      const rows = await q.execute();
      const items = rows.slice(0, options.limit).map(toDomain);
      const last = items[items.length - 1];
      return { items, nextCursor: rows.length > options.limit && last ? cursor.encode(last.name) : null };
    },
    async remove(name: string): Promise<void> {
      const d = await find(name);
      if (!d) throw new AppError('DOMAIN_NOT_FOUND', `domain ${name} does not exist`);
      const user = await db.selectFrom('users').select('id').where('domain_id', '=', d.id).executeTakeFirst();
      if (user) throw new AppError('DOMAIN_NOT_EMPTY', `domain ${d.name} still has users; delete them first`);
      await db.transaction().execute(async (trx) => {
        await trx
          .deleteFrom('group_members')
          .where('group_id', 'in', trx.selectFrom('groups').select('id').where('domain_id', '=', d.id))
          .execute();
        // Children before parents: clear parent links, then delete.
        await trx.updateTable('groups').set({ parent_id: null }).where('domain_id', '=', d.id).execute();
        await trx.deleteFrom('groups').where('domain_id', '=', d.id).execute();
        await trx.deleteFrom('aliases').where('domain_id', '=', d.id).execute();
        await trx.deleteFrom('domains').where('id', '=', d.id).execute();
      });
    },
  };
}

export type Domains = ReturnType<typeof createDomains>;
