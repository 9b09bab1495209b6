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

/** An integration registered for OAuth 2.0 client credentials (RFC 6749 §4.4). */
export interface AppsTable {
  /** `jdc_…`: public, time-ordered (so it is also the list order). */
  client_id: string;
  name: string;
  /** SHA-256 of the client secret, hex. Secrets are random 256-bit values, so no KDF is needed. */
  secret_hash: string;
  /** JSON array of scope strings (expanded, no wildcards). */
  scopes: string;
  /** Domain the app is restricted to, or null for all domains. */
  domain_id: string | null;
  enabled: number;
  created_at: number;
  updated_at: number;
  /** Tokens issued before this instant are refused (a rotation revokes them). */
  secret_rotated_at: number;
  last_used_at: number | null;
}

/** A key app tokens are signed with; the newest is the signing key, the rest verify until retired. */
export interface SigningKeysTable {
  /** RFC 7638 JWK thumbprint of the public key. */
  kid: string;
  /** JWS algorithm: `EdDSA` (Ed25519) or `ES256`. */
  alg: string;
  /** The private key as JWK JSON. Never logged, never served. */
  private_jwk: string;
  public_jwk: string;
  created_at: number;
  /** When a newer key took over signing; null while this one signs. */
  superseded_at: number | null;
  /** From then on the key verifies nothing and may be deleted: every token it signed has expired. */
  retire_at: number | null;
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
  apps: AppsTable;
  signing_keys: SigningKeysTable;
  mailboxes: MailboxesTable;
  messages: MessagesTable;
  meta: MetaTable;
}
