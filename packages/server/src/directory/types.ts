import type { GroupKind, UserRole } from '../store/index.js';

export type { GroupKind, UserRole };

/** API scopes. `domains:*` style wildcards and `*` expand to these. */
export const SCOPES = [
  'domains:read',
  'domains:write',
  'users:read',
  'users:write',
  'groups:read',
  'groups:write',
  'mail:read',
  'mail:write',
  'sso:issue',
  'apps:write',
  'directory:read',
  'directory:write',
  'queue:read',
  'queue:write',
  'events:read',
  'scim:write',
  'webhooks:read',
  'webhooks:write',
  'widget:issue',
  'audit:read',
] as const;
export type Scope = (typeof SCOPES)[number];

export interface Domain {
  id: string;
  name: string;
  createdAt: number;
}

export interface User {
  id: string;
  address: string;
  domain: string;
  displayName: string;
  enabled: boolean;
  role: UserRole;
  /** Domains this user administers (role `domain_admin`). */
  adminDomains: string[];
  quotaBytes: number;
  usedBytes: number;
  hasPassword: boolean;
  aliases: string[];
  /** The departments the user is a direct member of (groups of kind `department`), by name. */
  departments: { id: string; name: string }[];
  /** Directory source the user is synced from (they sign in there), `scim` for one an IdP provisions; null for a local user. */
  source: string | null;
  /** The `externalId` an identity provider gave the user over SCIM; null or absent when none. */
  scimExternalId?: string | null;
  /** When SCIM deleted the user and jdmail only disabled them (`scim.deleteAction: disable`); null or absent otherwise. */
  scimDeletedAt?: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface CreateUserInput {
  address: string;
  /** Omit for users who sign in only through SSO or a directory. */
  password?: string;
  displayName?: string;
  /** Bytes; 0 = unlimited; default from config. */
  quotaBytes?: number;
  role?: UserRole;
  adminDomains?: string[];
  aliases?: string[];
  /** Ids of departments (groups of kind `department`) of the user's domain to put the user in. */
  departments?: string[];
  /** {@link SCIM_SOURCE} for a user an identity provider provisions (no local password); default null, local. */
  source?: string | null;
  /** The identity provider's `externalId` (SCIM); unique within the domain. */
  scimExternalId?: string | null;
}

export interface UpdateUserInput {
  displayName?: string;
  /** A new password; null removes it (SSO-only). */
  password?: string | null;
  quotaBytes?: number;
  role?: UserRole;
  adminDomains?: string[];
  enabled?: boolean;
  aliases?: string[];
  /** Replaces the user's departments (their memberships in other groups stay). */
  departments?: string[];
  /** The identity provider's `externalId` (SCIM); null removes it. */
  scimExternalId?: string | null;
  /** True: SCIM deleted the user (they stay, disabled, hidden from SCIM); false: provisioned again. */
  scimDeleted?: boolean;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  /** How many match in all; only when asked for (`withTotal`). */
  total?: number;
}

/** The source of users and groups an identity provider provisions over SCIM (scim/). */
export const SCIM_SOURCE = 'scim';

export interface ListUsersOptions {
  /** Substring of address or display name. */
  q?: string;
  domain?: string;
  /** Restrict to these domains (a domain admin's or restricted key's view); null = all. */
  visibleDomains?: ReadonlySet<string> | null;
  limit: number;
  cursor?: string;
  /** Skip this many (SCIM's `startIndex`); instead of `cursor`. */
  offset?: number;
  /** Also count every match (`Page.total`). */
  withTotal?: boolean;
  /** Only the user with this SCIM `externalId`. */
  scimExternalId?: string;
  /** Only these users, by id. */
  ids?: readonly string[];
  /** Leave out users SCIM deleted (kept disabled). */
  hideScimDeleted?: boolean;
  /** Only users with this role (the console's "who administers what"). */
  role?: User['role'];
}

/** Options of {@link Directory.listGroups}. */
export interface ListGroupsOptions {
  /** Restrict to these domains; null = all. */
  visibleDomains: ReadonlySet<string> | null;
  /** Skip this many, ordered by id (creation order). */
  offset: number;
  limit: number;
  /** Only the group with this SCIM `externalId`. */
  scimExternalId?: string;
  /** Only groups with exactly this name. */
  name?: string;
}

export interface Group {
  id: string;
  domain: string;
  name: string;
  kind: GroupKind;
  parentId: string | null;
  address: string | null;
  sortOrder: number;
  memberCount: number;
  /** Directory source it is synced from (`scim`: made by an identity provider); null when made in jdmail. */
  source: string | null;
  /** The `externalId` an identity provider gave the group over SCIM; null or absent when none. */
  scimExternalId?: string | null;
  /** When it was made (ms); absent from stand-ins. */
  createdAt?: number;
}

export interface GroupTreeNode extends Group {
  children: GroupTreeNode[];
}

export interface CreateGroupInput {
  domain: string;
  name: string;
  kind?: GroupKind;
  parentId?: string | null;
  address?: string | null;
  sortOrder?: number;
  /** {@link SCIM_SOURCE} for a group an identity provider made; default null. */
  source?: string | null;
  scimExternalId?: string | null;
}

export interface UpdateGroupInput {
  name?: string;
  parentId?: string | null;
  address?: string | null;
  sortOrder?: number;
  /** The identity provider's `externalId` (SCIM); null removes it. */
  scimExternalId?: string | null;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  /** Domain name the key is restricted to, or null. */
  domain: string | null;
  createdAt: number;
  /** Last successful use, to the minute (it is written at most once a minute). */
  lastUsedAt: number | null;
  /** When a rotated key stops working; null for a key with no end. */
  expiresAt: number | null;
}

export interface ListApiKeysOptions {
  /** Only keys restricted to these domains; null or absent: every key. */
  visibleDomains?: ReadonlySet<string> | null;
  limit?: number;
  cursor?: string;
}

/** Who a recipient address delivers to. */
export interface RecipientResolution {
  /** The users (enabled ones only) mail to this address reaches, with their quota state for the RCPT check. */
  users: { id: string; address: string; quotaBytes: number; usedBytes: number }[];
  /** `postmaster`: postmaster of a local domain (or bare), no address of that name: the system admins. */
  kind: 'user' | 'alias' | 'group' | 'postmaster';
  /** The address names a local user who is disabled (mail to them is refused). */
  disabled?: boolean;
}

/** Domains, users, groups/departments, aliases, API keys and credential checks. */
export interface Directory {
  createDomain(name: string): Promise<Domain>;
  getDomain(name: string): Promise<Domain>;
  listDomains(options: {
    visibleDomains?: ReadonlySet<string> | null;
    limit: number;
    cursor?: string;
  }): Promise<Page<Domain>>;
  /** Throws DOMAIN_NOT_EMPTY while users remain. */
  deleteDomain(name: string): Promise<void>;
  isLocalDomain(name: string): Promise<boolean>;

  createUser(input: CreateUserInput): Promise<User>;
  /** By address or alias; throws USER_NOT_FOUND. */
  getUser(address: string): Promise<User>;
  listUsers(options: ListUsersOptions): Promise<Page<User>>;
  updateUser(address: string, patch: UpdateUserInput): Promise<User>;
  deleteUser(address: string): Promise<void>;
  /**
   * Ids of many users at once, by address or alias (one query each for addresses and aliases); unknown
   * ones are left out, and so are users outside `inDomains` when it is given (an alias may belong to a
   * user of another domain).
   */
  findUserIds(addresses: string[], inDomains?: ReadonlySet<string> | null): Promise<Map<string, string>>;
  /**
   * Checks a password; null when wrong, unknown, disabled or password-less. Constant work for unknown
   * users. A user synced from a directory is checked there (see {@link ExternalAuthenticator}); when
   * that directory cannot be reached it throws AppError `DIRECTORY_UNAVAILABLE`, never answers null.
   */
  authenticate(address: string, password: string): Promise<User | null>;
  /**
   * Resolves an RCPT address (user, alias or group address; `+detail` dropped; postmaster of a
   * local domain or bare `postmaster` to the system admins unless it exists) for local delivery;
   * null when unknown.
   */
  resolveRecipient(address: string): Promise<RecipientResolution | null>;
  /**
   * For the recipient cache (`smtp.recipientCacheMs`; see `recipient-cache.ts`): bytes this
   * process stored for these users (a user listed twice was charged twice).
   */
  noteStored(userIds: readonly string[], bytes: number): void;
  /** For the recipient cache: these users' used bytes changed otherwise (messages deleted). */
  noteUsageChanged(userIds: readonly string[]): void;
  /** For the recipient cache: users, aliases or groups were changed other than through this directory (a sync). */
  noteDirectoryChanged(): void;

  createGroup(input: CreateGroupInput): Promise<Group>;
  getGroup(id: string): Promise<Group>;
  /** Groups and departments of the visible domains, flat, by id, with the total count (SCIM's list). */
  listGroups(options: ListGroupsOptions): Promise<{ items: Group[]; total: number }>;
  /** The groups and departments each of these users is a direct member of. */
  groupMemberships(userIds: readonly string[]): Promise<Map<string, { id: string; name: string }[]>>;
  groupTree(domain: string): Promise<GroupTreeNode[]>;
  updateGroup(id: string, patch: UpdateGroupInput): Promise<Group>;
  /** Throws GROUP_NOT_EMPTY while it has subgroups. */
  deleteGroup(id: string): Promise<void>;
  listGroupMembers(id: string): Promise<User[]>;
  addGroupMembers(id: string, addresses: string[]): Promise<void>;
  removeGroupMember(id: string, address: string): Promise<void>;

  /** Returns the key once, in clear; only its hash is stored. */
  createApiKey(input: {
    name: string;
    scopes: string[];
    domain?: string | null;
  }): Promise<{ key: string; apiKey: ApiKey }>;
  /** The key's record when the token is a key that works now; null otherwise. */
  verifyApiKey(token: string): Promise<ApiKey | null>;
  /** A key that works now (API_KEY_NOT_FOUND otherwise). */
  getApiKey(id: string): Promise<ApiKey>;
  /** Keys that work now, rotated ones until their grace period ends, about oldest first (by id). */
  listApiKeys(options?: ListApiKeysOptions): Promise<Page<ApiKey>>;
  /** Stops the key at once (also one in its grace period). */
  revokeApiKey(id: string): Promise<void>;
  /** A new key like this one, shown once; this one works on for `graceSeconds` (default a day). */
  rotateApiKey(id: string, graceSeconds?: number): Promise<{ key: string; apiKey: ApiKey }>;
}

/** A directory-synced user, as the directory's authenticator needs to find them there. */
export interface ExternalUserRef {
  id: string;
  address: string;
  /** `ldap.sources[].name` */
  source: string;
  externalId: string | null;
  /** The entry's DN at the last sync. */
  dn: string | null;
}

/**
 * The backend that checks passwords of users whose source is an external
 * directory (LDAP bind). Injected into the directory by `main.ts`.
 */
export interface ExternalAuthenticator {
  /**
   * True when the directory accepts the password. Throws AppError
   * `DIRECTORY_UNAVAILABLE` when the directory cannot be asked: a temporary
   * failure must never look like a wrong password.
   */
  verify(user: ExternalUserRef, password: string): Promise<boolean>;
}
