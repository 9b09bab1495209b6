import type { Generated } from 'kysely';

/**
 * Row types of the metadata database, shared by SQLite and PostgreSQL.
 * Portability rules: ids are app-made text (`newId()`), times are epoch
 * milliseconds in bigint columns, booleans are integers 0/1, lists are JSON text.
 */
export interface DomainsTable {
  id: string;
  name: string;
  created_at: number;
}

export type UserRole = 'admin' | 'domain_admin' | 'user';

export interface UsersTable {
  id: string;
  /** Canonical (lower-case) address; the user's id in API paths. */
  address: string;
  domain_id: string;
  display_name: string;
  /** scrypt hash in PHC-like form; null for users who sign in only through SSO/LDAP. */
  password_hash: string | null;
  /** Bytes allowed; 0 = unlimited. */
  quota_bytes: number;
  /** Sum of message sizes over all the user's mailboxes, kept in the delivery transaction. */
  used_bytes: number;
  enabled: number;
  role: UserRole;
  created_at: number;
  updated_at: number;
  password_changed_at: number;
  /** Directory source the user is synced from (`ldap.sources[].name`); null for a local user. */
  source: string | null;
  /** The entry's stable id in that directory (entryUUID, objectGUID or DN): renames and moves keep the user. */
  external_id: string | null;
  /** The entry's DN as last seen (for binds and for resolving group members). */
  source_dn: string | null;
  /** When the directory first stopped offering an enabled user (grace period); null while it does. */
  source_missing_since: number | null;
  /** 1 when the sync disabled the user, so it re-enables them when they return (a manual disable stays). */
  source_disabled: Generated<number>;
}

/** Domains a `domain_admin` user administers. */
export interface AdminDomainsTable {
  user_id: string;
  domain_id: string;
}

export interface AliasesTable {
  address: string;
  domain_id: string;
  user_id: string;
  created_at: number;
}

export type GroupKind = 'department' | 'group';

/** Departments and groups: one tree per domain (parent_id null = top level). */
export interface GroupsTable {
  id: string;
  domain_id: string;
  name: string;
  kind: GroupKind;
  parent_id: string | null;
  /** Optional distribution address: mail to it reaches every member. */
  address: string | null;
  sort_order: number;
  created_at: number;
  /** Directory source the group or department is synced from; null for a local one. */
  source: string | null;
  /** Its id in that source: the group entry's id, or `ou:<path>` for a department. */
  external_id: string | null;
}

export interface GroupMembersTable {
  group_id: string;
  user_id: string;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  /** First characters of the key, shown in listings to tell keys apart. */
  prefix: string;
  /** SHA-256 of the whole key, hex. Keys are random 256-bit secrets, so no KDF is needed. */
  hash: string;
  /** JSON array of scope strings. */
  scopes: string;
  /** Domain the key is restricted to, or null for all domains. */
  domain_id: string | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface MailboxesTable {
  id: string;
  user_id: string;
  name: string;
  /** RFC 6154 special-use attribute (`\\Sent`, `\\Junk` …) or null. */
  special_use: string | null;
  uid_validity: number;
  uid_next: number;
  highest_modseq: number;
  /** Counters kept in the same transaction as every change, so counts never scan messages. */
  total: number;
  unread: number;
  size: number;
  created_at: number;
}

export interface MessagesTable {
  id: string;
  mailbox_id: string;
  user_id: string;
  uid: number;
  modseq: number;
  seen: number;
  flagged: number;
  answered: number;
  draft: number;
  /** JSON array of IMAP keywords beyond the system flags. */
  keywords: string;
  internal_date: number;
  size: number;
  from_name: string;
  from_address: string;
  /** JSON array of `{name, address}`. */
  to_json: string;
  cc_json: string;
  subject: string;
  /** Date header as epoch ms, null when absent or unparsable. */
  date: number | null;
  message_id: string | null;
  preview: string;
  has_attachments: number;
  blob_id: string;
}

export type SyncRunStatus = 'running' | 'succeeded' | 'failed' | 'safety_stop';

/** One directory sync run (a job): status, progress and its report. */
export interface DirectorySyncRunsTable {
  id: string;
  source: string;
  status: SyncRunStatus;
  mode: 'full' | 'incremental';
  dry_run: number;
  forced: number;
  /** What started it: api, cli or schedule. */
  trigger: string;
  started_at: number;
  finished_at: number | null;
  /** Refreshed while the run works; a running row whose heartbeat stopped belongs to a dead process. */
  heartbeat_at: number;
  /** JSON `{ phase, done, total }`. */
  progress: string;
  /** JSON report, once there is one. */
  report: string | null;
  /** JSON `{ code, message }` of a failed run. */
  error: string | null;
}

/** Per-source sync state that outlives a run. */
export interface DirectorySourcesTable {
  name: string;
  /** Highest change time seen (the directory's own clock), where an incremental run starts. */
  change_mark: string | null;
  last_full_at: number | null;
  last_sync_at: number | null;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface DB {
  domains: DomainsTable;
  users: UsersTable;
  admin_domains: AdminDomainsTable;
  aliases: AliasesTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  api_keys: ApiKeysTable;
  mailboxes: MailboxesTable;
  messages: MessagesTable;
  meta: MetaTable;
  directory_sync_runs: DirectorySyncRunsTable;
  directory_sources: DirectorySourcesTable;
}
