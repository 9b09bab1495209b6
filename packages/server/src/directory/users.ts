import { type Kysely, type Selectable, sql, type Transaction, type Updateable } from 'kysely';
import { AppError, hasControlCharacters, newId, normalizeAddress, normalizeDomain } from '../shared/index.js';
import { appendEvents, type DB, type UserRole, type UsersTable } from '../store/index.js';
import type { Domains } from './domains.js';
import { userEvent, userPatchChanges, userUpdateEvents } from './events.js';
import { nameKeysOf } from './name-keys.js';
import { hashPassword } from './passwords.js';
import type { CreateUserInput, ListUsersOptions, Page, UpdateUserInput, User } from './types.js';
import { cursor, likePattern, validAddress, validDomain, validPassword, validQuota } from './validate.js';

type UserRow = Selectable<UsersTable> & { domain: string };

export interface UsersDeps {
  db: Kysely<DB>;
  domains: Domains;
  defaultQuotaBytes: number;
  /** Creates the user's default mailboxes (INBOX, Sent …) inside the creating transaction. */
  createMailboxes(trx: Transaction<DB>, userId: string): Promise<void>;
}

const ROLES: readonly UserRole[] = ['admin', 'domain_admin', 'user'];

/** Users, their aliases and admin domains. */
export function createUsers(deps: UsersDeps) {
  const { db, domains } = deps;

  const base = () =>
    db
      .selectFrom('users')
      .innerJoin('domains', 'domains.id', 'users.domain_id')
      .selectAll('users')
      .select('domains.name as domain');

  async function hydrate(rows: UserRow[]): Promise<User[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [aliases, admins, departments] = await Promise.all([
      db
        .selectFrom('aliases')
        .select(['user_id', 'address'])
        .where('user_id', 'in', ids)
        .orderBy('address')
        .execute(),
      db
        .selectFrom('admin_domains')
        .innerJoin('domains', 'domains.id', 'admin_domains.domain_id')
        .select(['admin_domains.user_id', 'domains.name'])
        .where('admin_domains.user_id', 'in', ids)
        .orderBy('domains.name')
        .execute(),
      db
        .selectFrom('group_members')
        .innerJoin('groups', 'groups.id', 'group_members.group_id')
        .select(['group_members.user_id', 'groups.id', 'groups.name'])
        .where('group_members.user_id', 'in', ids)
        .where('groups.kind', '=', 'department')
        .orderBy('groups.name')
        .execute(),
    ]);
    return rows.map((r) => ({
      id: r.id,
      address: r.address,
      domain: r.domain,
      displayName: r.display_name,
      enabled: Boolean(r.enabled),
      role: r.role,
      adminDomains: admins.filter((a) => a.user_id === r.id).map((a) => a.name),
      quotaBytes: Number(r.quota_bytes),
      usedBytes: Number(r.used_bytes),
      hasPassword: r.password_hash !== null,
      aliases: aliases.filter((a) => a.user_id === r.id).map((a) => a.address),
      departments: departments.filter((d) => d.user_id === r.id).map((d) => ({ id: d.id, name: d.name })),
      source: r.source,
      scimExternalId: r.scim_external_id ?? null,
      scimDeletedAt:
        r.scim_deleted_at === null || r.scim_deleted_at === undefined ? null : Number(r.scim_deleted_at),
      createdAt: Number(r.created_at),
      updatedAt: Number(r.updated_at),
    }));
  }

  /** The users a list asks for, before order and paging. */
  function listFilter(options: ListUsersOptions) {
    let q = base();
    if (options.domain !== undefined) q = q.where('domains.name', '=', normalizeDomain(options.domain));
    if (options.scimExternalId !== undefined)
      q = q.where('users.scim_external_id', '=', options.scimExternalId);
    if (options.hideScimDeleted) q = q.where('users.scim_deleted_at', 'is', null);
    if (options.ids) q = q.where('users.id', 'in', options.ids.length ? [...options.ids] : ['']);
    if (options.visibleDomains) q = q.where('domains.name', 'in', [...options.visibleDomains]);
    if (options.role !== undefined) q = q.where('users.role', '=', options.role);
    if (options.q) {
      const p = likePattern(options.q);
      q = q.where((eb) =>
        eb.or([
          sql<boolean>`lower(users.address) like ${p} escape '\\'`,
          sql<boolean>`lower(users.display_name) like ${p} escape '\\'`,
        ]),
      );
    }
    return q;
  }

  /** Finds a user row by address or alias. */
  async function findRow(address: string): Promise<UserRow | undefined> {
    if (hasControlCharacters(address)) return undefined; // no address has one (and PostgreSQL refuses a NUL)
    const a = normalizeAddress(address);
    const direct = await base().where('users.address', '=', a).executeTakeFirst();
    if (direct) return direct;
    const alias = await db
      .selectFrom('aliases')
      .select('user_id')
      .where('address', '=', a)
      .executeTakeFirst();
    return alias ? base().where('users.id', '=', alias.user_id).executeTakeFirst() : undefined;
  }

  async function getRow(address: string): Promise<UserRow> {
    const row = await findRow(address);
    if (!row) throw new AppError('USER_NOT_FOUND', `user ${address} does not exist`);
    return row;
  }

  async function addressFree(address: string, exceptUserId?: string): Promise<void> {
    const [u, al, g] = await Promise.all([
      db.selectFrom('users').select('id').where('address', '=', address).executeTakeFirst(),
      db.selectFrom('aliases').select('user_id').where('address', '=', address).executeTakeFirst(),
      db.selectFrom('groups').select('id').where('address', '=', address).executeTakeFirst(),
    ]);
    if ((u && u.id !== exceptUserId) || (al && al.user_id !== exceptUserId) || g) {
      throw new AppError('ADDRESS_TAKEN', `${address} is already in use`);
    }
  }

  /**
   * An alias may be in any local domain: a system admin or a directory sync
   * may give a user of one domain an address of another (a shared mailbox).
   * Whether a caller may name that domain is the API's rule (api/auth,
   * `decideAddress`), not the directory's, which knows no caller.
   */
  async function checkAliases(
    aliases: string[],
    userId: string | undefined,
  ): Promise<{ address: string; domainId: string }[]> {
    const out: { address: string; domainId: string }[] = [];
    for (const [i, raw] of aliases.entries()) {
      const a = validAddress(raw, `aliases[${i}]`);
      const d = await domains.find(a.domain);
      if (!d)
        throw new AppError('DOMAIN_NOT_FOUND', `aliases[${i}]: domain ${a.domain} is not local`, {
          field: `aliases[${i}]`,
        });
      await addressFree(a.address, userId);
      out.push({ address: a.address, domainId: d.id });
    }
    return out;
  }

  /**
   * The department ids of `ids`, each checked: a department (not a group) of
   * the user's domain. Another domain's group answers as if it did not exist.
   */
  async function checkDepartments(ids: string[], domainId: string): Promise<string[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    const rows = await db
      .selectFrom('groups')
      .select(['id', 'name', 'kind', 'domain_id'])
      .where('id', 'in', unique)
      .execute();
    for (const [i, id] of ids.entries()) {
      const field = `departments[${i}]`;
      const g = rows.find((r) => r.id === id && r.domain_id === domainId);
      if (!g)
        throw new AppError('GROUP_NOT_FOUND', `${field}: no department ${id} in the user's domain`, {
          field,
        });
      if (g.kind !== 'department') {
        throw new AppError(
          'VALIDATION_FAILED',
          `${field}: ${g.name} is a group, not a department; add members to groups with /groups/{id}/members`,
          { field },
        );
      }
    }
    return unique;
  }

  /** The SCIM externalId, unless another user of the domain has it (EXTERNAL_ID_TAKEN). */
  async function checkExternalId(
    externalId: string | null | undefined,
    domainId: string,
    userId?: string,
  ): Promise<string | null | undefined> {
    if (externalId === undefined || externalId === null) return externalId;
    const other = await db
      .selectFrom('users')
      .select('id')
      .where('domain_id', '=', domainId)
      .where('scim_external_id', '=', externalId)
      .executeTakeFirst();
    if (other && other.id !== userId)
      throw new AppError('EXTERNAL_ID_TAKEN', `externalId ${externalId} is in use`);
    return externalId;
  }

  /** The SCIM columns a patch changes, into `set`. */
  async function setScimColumns(set: Updateable<UsersTable>, patch: UpdateUserInput, row: UserRow) {
    if (patch.scimExternalId !== undefined)
      set.scim_external_id = (await checkExternalId(patch.scimExternalId, row.domain_id, row.id)) ?? null;
    if (patch.scimDeleted !== undefined) set.scim_deleted_at = patch.scimDeleted ? Date.now() : null;
  }

  async function adminDomainIds(names: string[]): Promise<string[]> {
    const ids: string[] = [];
    for (const n of names) ids.push((await domains.get(validDomain(n, 'adminDomains'))).id);
    return ids;
  }

  function checkRole(role: string | undefined): UserRole | undefined {
    if (role !== undefined && !ROLES.includes(role as UserRole)) {
      throw new AppError('VALIDATION_FAILED', `role: must be one of ${ROLES.join(', ')}`, { field: 'role' });
    }
    return role as UserRole | undefined;
  }

  async function writeLinks(
    trx: Transaction<DB>,
    userId: string,
    aliases?: { address: string; domainId: string }[],
    admin?: string[],
    departments?: string[],
  ) {
    const now = Date.now();
    if (departments) {
      // Only department memberships are replaced: the user's other groups stay.
      await trx
        .deleteFrom('group_members')
        .where('user_id', '=', userId)
        .where('group_id', 'in', trx.selectFrom('groups').select('id').where('kind', '=', 'department'))
        .execute();
      if (departments.length)
        await trx
          .insertInto('group_members')
          .values(departments.map((g) => ({ group_id: g, user_id: userId })))
          .execute();
    }
    if (aliases) {
      await trx.deleteFrom('aliases').where('user_id', '=', userId).execute();
      if (aliases.length) {
        await trx
          .insertInto('aliases')
          .values(
            aliases.map((a) => ({
              address: a.address,
              domain_id: a.domainId,
              user_id: userId,
              created_at: now,
            })),
          )
          .execute();
      }
    }
    if (admin) {
      await trx.deleteFrom('admin_domains').where('user_id', '=', userId).execute();
      if (admin.length)
        await trx
          .insertInto('admin_domains')
          .values(admin.map((d) => ({ user_id: userId, domain_id: d })))
          .execute();
    }
  }

  return {
    addressFree,
    findRow,
    getRow,
    hydrate,
    async get(address: string): Promise<User> {
      return (await hydrate([await getRow(address)]))[0] as User;
    },

    async create(input: CreateUserInput): Promise<User> {
      const a = validAddress(input.address);
      const domain = await domains.get(a.domain);
      await addressFree(a.address);
      const role = checkRole(input.role) ?? 'user';
      const aliases = await checkAliases(input.aliases ?? [], undefined);
      const admin = await adminDomainIds(input.adminDomains ?? []);
      const departments = await checkDepartments(input.departments ?? [], domain.id);
      const externalId = await checkExternalId(input.scimExternalId, domain.id);
      if (input.source && input.password !== undefined)
        throw new AppError('USER_EXTERNALLY_MANAGED', 'a user of an outside source has no local password');
      const hash = input.password === undefined ? null : await hashPassword(validPassword(input.password));
      const now = Date.now();
      const id = newId();
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('users')
          .values({
            id,
            address: a.address,
            domain_id: domain.id,
            display_name: input.displayName?.trim() ?? '',
            name_keys: nameKeysOf(input.displayName?.trim() ?? ''),
            password_hash: hash,
            quota_bytes: validQuota(input.quotaBytes ?? deps.defaultQuotaBytes),
            used_bytes: 0,
            enabled: 1,
            role,
            created_at: now,
            updated_at: now,
            password_changed_at: now,
            source: input.source ?? null,
            scim_external_id: externalId ?? null,
          })
          .execute();
        await writeLinks(trx, id, aliases, admin, departments);
        await deps.createMailboxes(trx, id);
        const data = { displayName: input.displayName?.trim() ?? '', enabled: true };
        await appendEvents(trx, [
          userEvent('user.created', { address: a.address, source: input.source ?? null }, data),
        ]);
      });
      return (await hydrate([await getRow(a.address)]))[0] as User;
    },

    async list(options: ListUsersOptions): Promise<Page<User>> {
      const after = cursor.decode(options.cursor);
      if (options.visibleDomains?.size === 0) return { items: [], nextCursor: null, total: 0 };
      const filtered = listFilter(options);
      let q = filtered.orderBy('users.address').limit(options.limit + 1);
      if (after !== undefined) q = q.where('users.address', '>', after);
      if (options.offset) q = q.offset(options.offset);
      const rows = await q.execute();
      const items = await hydrate(rows.slice(0, options.limit));
      const last = items[items.length - 1];
      const nextCursor = rows.length > options.limit && last ? cursor.encode(last.address) : null;
      if (!options.withTotal) return { items, nextCursor };
      const counted = await filtered
        .clearSelect()
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return { items, nextCursor, total: Number(counted.n) };
    },

    async update(address: string, patch: UpdateUserInput): Promise<User> {
      const row = await getRow(address);
      const role = checkRole(patch.role);
      const aliases = patch.aliases ? await checkAliases(patch.aliases, row.id) : undefined;
      const admin = patch.adminDomains ? await adminDomainIds(patch.adminDomains) : undefined;
      const departments = patch.departments
        ? await checkDepartments(patch.departments, row.domain_id)
        : undefined;
      const now = Date.now();
      const set: Updateable<UsersTable> = { updated_at: now };
      if (patch.displayName !== undefined) {
        set.display_name = patch.displayName.trim();
        set.name_keys = nameKeysOf(set.display_name);
      }
      if (patch.quotaBytes !== undefined) set.quota_bytes = validQuota(patch.quotaBytes);
      if (role !== undefined) set.role = role;
      if (patch.enabled !== undefined) set.enabled = patch.enabled ? 1 : 0;
      await setScimColumns(set, patch, row);
      if (patch.password !== undefined) {
        // Such a user signs in at their source; a local password would never be checked (see authenticate).
        if (row.source !== null && patch.password !== null)
          throw new AppError(
            'USER_EXTERNALLY_MANAGED',
            `${row.address} has no local password: their source is ${row.source}`,
          );
        set.password_hash =
          patch.password === null ? null : await hashPassword(validPassword(patch.password));
        set.password_changed_at = now;
      }
      const changes = userPatchChanges(row, set, patch);
      const enabled = { before: !!row.enabled, after: patch.enabled ?? !!row.enabled };
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('users').set(set).where('id', '=', row.id).execute();
        await writeLinks(trx, row.id, aliases, admin, departments);
        await appendEvents(trx, userUpdateEvents(row, changes, enabled));
      });
      return (await hydrate([await getRow(row.address)]))[0] as User;
    },

    /** Deletes the user and all their mail; returns the blob ids their messages used (to free after commit). */
    async remove(address: string): Promise<string[]> {
      const row = await getRow(address);
      const blobs = await db
        .selectFrom('messages')
        .select('blob_id')
        .distinct()
        .where('user_id', '=', row.id)
        .execute();
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('messages').where('user_id', '=', row.id).execute();
        await trx.deleteFrom('mailboxes').where('user_id', '=', row.id).execute();
        await trx.deleteFrom('group_members').where('user_id', '=', row.id).execute();
        await trx.deleteFrom('aliases').where('user_id', '=', row.id).execute();
        await trx.deleteFrom('admin_domains').where('user_id', '=', row.id).execute();
        await trx.deleteFrom('users').where('id', '=', row.id).execute();
        await appendEvents(trx, [userEvent('user.deleted', row)]);
      });
      return blobs.map((b) => b.blob_id);
    },
  };
}

export type Users = ReturnType<typeof createUsers>;
