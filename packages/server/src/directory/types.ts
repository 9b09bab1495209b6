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
  /** Directory source the user is synced from (they sign in there); null for a local user. */
  source: string | null;
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
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ListUsersOptions {
  /** Substring of address or display name. */
  q?: string;
  domain?: string;
  /** Restrict to these domains (a domain admin's or restricted key's view); null = all. */
  visibleDomains?: ReadonlySet<string> | null;
  limit: number;
  cursor?: string;
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
  /** Directory source it is synced from; null when made in jdmail. */
  source: string | null;
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
}

export interface UpdateGroupInput {
  name?: string;
  parentId?: string | null;
  address?: string | null;
  sortOrder?: number;
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
