import type { Kysely, Transaction } from 'kysely';
import { AppError, hasControlCharacters, normalizeAddress, splitAddress } from '../shared/index.js';
import { type Database, type DB, kyselyRead } from '../store/index.js';
import { createApiKeys } from './api-keys.js';
import { createDomains } from './domains.js';
import { createGroups } from './groups.js';
import { dummyHash, verifyPassword } from './passwords.js';
import { createRecipientCache } from './recipient-cache.js';
import {
  type Directory,
  type Domain,
  type ExternalAuthenticator,
  type RecipientResolution,
  SCIM_SOURCE,
  type User,
} from './types.js';
import { createUsers } from './users.js';

export interface DirectoryDeps {
  db: Kysely<DB>;
  /** Quota of new users when not given; 0 = unlimited. */
  defaultQuotaBytes: number;
  /** Creates a new user's default mailboxes inside the user's creating transaction. */
  createMailboxes(trx: Transaction<DB>, userId: string): Promise<void>;
  /** Frees blobs no message refers to any more (after a user is deleted). */
  releaseBlobs(blobIds: string[]): Promise<void>;
  /** Checks passwords of users synced from an external directory (LDAP); without it they cannot sign in. */
  externalAuth?: ExternalAuthenticator;
  /** Runs after a domain is created, before `createDomain` answers (its DKIM key is made here). */
  onDomainCreated?: (domain: Domain) => Promise<void>;
  /** The database's `prepareRead`, for the per-recipient lookup; default: Kysely on `db`. */
  prepareRead?: Database['prepareRead'];
  /** How long a recipient resolution is reused (`smtp.recipientCacheMs`); default 0, off. */
  recipientCacheMs?: number;
}

/** The methods that change what an address resolves to: each empties the recipient cache. */
const WRITES = [
  'createDomain',
  'deleteDomain',
  'createUser',
  'updateUser',
  'deleteUser',
  'createGroup',
  'updateGroup',
  'deleteGroup',
  'addGroupMembers',
  'removeGroupMember',
] as const satisfies readonly (keyof Directory)[];

/** The methods that leave every resolution as it was. */
const READS = [
  'getDomain',
  'listDomains',
  'isLocalDomain',
  'getUser',
  'listUsers',
  'findUserIds',
  'authenticate',
  'resolveRecipient',
  'noteStored',
  'noteUsageChanged',
  'noteDirectoryChanged',
  'getGroup',
  'listGroups',
  'groupMemberships',
  'groupTree',
  'listGroupMembers',
  'createApiKey',
  'verifyApiKey',
  'getApiKey',
  'listApiKeys',
  'revokeApiKey',
  'rotateApiKey',
] as const satisfies readonly (keyof Directory)[];

/** A method added to Directory fails to compile here until it is put in WRITES or READS. */
type Unclassified = Exclude<keyof Directory, (typeof WRITES)[number] | (typeof READS)[number]>;
export type EveryDirectoryMethodClassified = [Unclassified] extends [never] ? true : Unclassified;
const classified: EveryDirectoryMethodClassified = true;
void classified;

const RECIPIENT_COLUMNS = ['id', 'address', 'enabled', 'quota_bytes', 'used_bytes'] as const;
type RecipientRow = { id: string; address: string; quota_bytes: number; used_bytes: number };
const toRecipient = (r: RecipientRow) => ({
  id: r.id,
  address: r.address,
  quotaBytes: Number(r.quota_bytes),
  usedBytes: Number(r.used_bytes),
});

/** The built-in directory: domains, users, groups, aliases and API keys in the metadata database. */
export function createDirectory(deps: DirectoryDeps): Directory {
  const { db } = deps;
  const domains = createDomains(db);
  const users = createUsers({
    db,
    domains,
    defaultQuotaBytes: deps.defaultQuotaBytes,
    createMailboxes: deps.createMailboxes,
  });
  const groups = createGroups(db, domains, (a) => users.addressFree(a));
  const apiKeys = createApiKeys(db, domains);
  // Every RCPT TO asks this first: compiled once, and on SQLite run without Kysely's connection lock.
  const userByAddress = (deps.prepareRead ?? kyselyRead(db))(
    db.selectFrom('users').select(RECIPIENT_COLUMNS).where('address', '=', ''),
  );
  let dummy: Promise<string> | undefined;
  const recipients = createRecipientCache({ ttlMs: deps.recipientCacheMs ?? 0 });

  async function resolveRecipient(address: string): Promise<RecipientResolution | null> {
    if (hasControlCharacters(address)) return null; // no address has one (and PostgreSQL refuses a NUL)
    const a = normalizeAddress(address);
    const [user] = await userByAddress([a]);
    if (user)
      return user.enabled
        ? { kind: 'user', users: [toRecipient(user)] }
        : { kind: 'user', users: [], disabled: true };
    const alias = await db
      .selectFrom('aliases')
      .innerJoin('users', 'users.id', 'aliases.user_id')
      .select(RECIPIENT_COLUMNS.map((c) => `users.${c}` as const))
      .where('aliases.address', '=', a)
      .executeTakeFirst();
    if (alias)
      return alias.enabled
        ? { kind: 'alias', users: [toRecipient(alias)] }
        : { kind: 'alias', users: [], disabled: true };
    const group = await db.selectFrom('groups').select('id').where('address', '=', a).executeTakeFirst();
    if (group) {
      const members = await db
        .selectFrom('group_members')
        .innerJoin('users', 'users.id', 'group_members.user_id')
        .select(RECIPIENT_COLUMNS.map((c) => `users.${c}` as const))
        .where('group_members.group_id', '=', group.id)
        .where('users.enabled', '=', 1)
        .orderBy('users.address')
        .execute();
      return { kind: 'group', users: members.map(toRecipient) };
    }
    // Subaddressing (RFC 5233): local+detail@domain reaches local@domain.
    const parts = splitAddress(a);
    const plus = parts?.local.indexOf('+') ?? -1;
    if (parts && plus > 0) return resolveRecipient(`${parts.local.slice(0, plus)}@${parts.domain}`);
    // RFC 5321 §4.5.1: every local domain takes mail for postmaster, and so does a bare <Postmaster>.
    // Unless an address of that name exists (above), it reaches the system administrators.
    const postmaster = parts
      ? parts.local === 'postmaster' && (await domains.find(parts.domain))
      : a === 'postmaster';
    if (postmaster) {
      const admins = await db
        .selectFrom('users')
        .select(RECIPIENT_COLUMNS)
        .where('role', '=', 'admin')
        .where('enabled', '=', 1)
        .orderBy('address')
        .execute();
      if (admins.length > 0) return { kind: 'postmaster', users: admins.map(toRecipient) };
    }
    return null;
  }

  async function userIdsOf(addresses: string[]): Promise<string[]> {
    const ids: string[] = [];
    for (const a of addresses) ids.push((await users.getRow(a)).id);
    return ids;
  }

  const directory: Directory = {
    async createDomain(name) {
      const domain = await domains.create(name);
      await deps.onDomainCreated?.(domain);
      return domain;
    },
    getDomain: (name) => domains.get(name),
    listDomains: (o) => domains.list(o),
    deleteDomain: (name) => domains.remove(name),
    isLocalDomain: async (name) => (await domains.find(name)) !== undefined,

    createUser: (input) => users.create(input),
    getUser: (address) => users.get(address),
    listUsers: (o) => users.list(o),
    updateUser: (address, patch) => users.update(address, patch),
    async deleteUser(address) {
      await deps.releaseBlobs(await users.remove(address));
    },
    async findUserIds(addresses, inDomains) {
      const wanted = [...new Set(addresses.map(normalizeAddress))];
      const out = new Map<string, string>();
      if (wanted.length === 0 || inDomains?.size === 0) return out;
      const direct = await db
        .selectFrom('users')
        .select(['id', 'address'])
        .where('address', 'in', wanted)
        .execute();
      for (const r of direct) out.set(r.address, r.id);
      const rest = wanted.filter((a) => !out.has(a));
      if (rest.length > 0) {
        const aliases = await db
          .selectFrom('aliases')
          .select(['user_id', 'address'])
          .where('address', 'in', rest)
          .execute();
        for (const r of aliases) out.set(r.address, r.user_id);
      }
      if (inDomains && out.size > 0) {
        const inside = await db
          .selectFrom('users')
          .innerJoin('domains', 'domains.id', 'users.domain_id')
          .select('users.id')
          .where('users.id', 'in', [...new Set(out.values())])
          .where('domains.name', 'in', [...inDomains])
          .execute();
        const keep = new Set(inside.map((r) => r.id));
        for (const [address, id] of out) if (!keep.has(id)) out.delete(address);
      }
      return out;
    },
    async authenticate(address, password): Promise<User | null> {
      const row = await users.findRow(address);
      if (row?.source === SCIM_SOURCE) {
        // An IdP-provisioned user has no password here: they sign in through SSO. Same work as a real check.
        dummy ??= dummyHash();
        await verifyPassword(password, await dummy);
        return null;
      }
      if (row?.source) {
        // The directory is the truth for its users; a local hash, if any, is never used.
        // An empty password would be an unauthenticated bind (RFC 4513 §5.1.2): refuse it here.
        if (!row.enabled || !deps.externalAuth || password === '') return null;
        const ok = await deps.externalAuth.verify(
          {
            id: row.id,
            address: row.address,
            source: row.source,
            externalId: row.external_id,
            dn: row.source_dn,
          },
          password,
        );
        return ok ? ((await users.hydrate([row]))[0] ?? null) : null;
      }
      if (!row?.password_hash) {
        // Same work as a real check, so response time does not tell which addresses exist.
        dummy ??= dummyHash();
        await verifyPassword(password, await dummy);
        return null;
      }
      const ok = await verifyPassword(password, row.password_hash);
      if (!ok || !row.enabled) return null;
      return (await users.hydrate([row]))[0] ?? null;
    },
    resolveRecipient: (address) => recipients.resolve(address, resolveRecipient),
    noteStored: (userIds, bytes) => recipients.charge(userIds, bytes),
    noteUsageChanged: (userIds) => recipients.forgetUsers(userIds),
    noteDirectoryChanged: () => recipients.invalidate(),

    createGroup: (input) => groups.create(input),
    getGroup: (id) => groups.get(id),
    listGroups: (options) => groups.list(options),
    groupMemberships: (userIds) => groups.memberships(userIds),
    groupTree: (domain) => groups.tree(domain),
    updateGroup: (id, patch) => groups.update(id, patch),
    deleteGroup: (id) => groups.remove(id),
    async listGroupMembers(id) {
      await groups.getRow(id);
      const ids = await groups.memberIds(id);
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('users')
        .innerJoin('domains', 'domains.id', 'users.domain_id')
        .selectAll('users')
        .select('domains.name as domain')
        .where('users.id', 'in', ids)
        .orderBy('users.address')
        .execute();
      return users.hydrate(rows);
    },
    async addGroupMembers(id, addresses) {
      await groups.getRow(id);
      await groups.addMembers(id, await userIdsOf(addresses));
    },
    async removeGroupMember(id, address) {
      await groups.getRow(id);
      const [userId] = await userIdsOf([address]);
      if (!userId) throw new AppError('USER_NOT_FOUND');
      await groups.removeMember(id, userId);
    },

    createApiKey: (input) => apiKeys.create(input),
    verifyApiKey: (token) => apiKeys.verify(token),
    getApiKey: (id) => apiKeys.get(id),
    listApiKeys: (options) => apiKeys.list(options),
    revokeApiKey: (id) => apiKeys.revoke(id),
    rotateApiKey: (id, graceSeconds) => apiKeys.rotate(id, graceSeconds),
  };
  // Emptied before (a lookup under way then stores nothing) and after (nothing read meanwhile stays).
  for (const name of WRITES) {
    const write = directory[name] as (...args: unknown[]) => Promise<unknown>;
    (directory as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      recipients.invalidate();
      try {
        return await write(...args);
      } finally {
        recipients.invalidate();
      }
    };
  }
  return directory;
}
