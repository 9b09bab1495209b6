import type { Generated } from 'kysely';
import type {
  MessageTraceTable,
  QueueDomainsTable,
  QueueMessagesTable,
  QueueRecipientsTable,
} from './queue-schema.js';
import type { WebhookAttemptsTable, WebhookEndpointsTable } from './webhooks-schema.js';

export type * from './queue-schema.js';
export type * from './webhooks-schema.js';

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
  /** Pinyin search keys of a Chinese display name (`zhangsan zs`), written with it; '' otherwise. */
  name_keys: Generated<string>;
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
  /** The last UIDVALIDITY given to one of the user's mailboxes (the store's; see `store/mailbox-ops.ts`). */
  mail_uid_validity: Generated<number>;
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
  /** The `externalId` an identity provider gave the user over SCIM (RFC 7643 §3.1); unique per domain. */
  scim_external_id: Generated<string | null>;
  /** When SCIM deleted the user and jdmail kept them disabled (`scim.deleteAction`); SCIM then answers 404. */
  scim_deleted_at: Generated<number | null>;
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
  /** The `externalId` an identity provider gave the group over SCIM; unique per domain. */
  scim_external_id: Generated<string | null>;
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
  /** JSON array of the web origins its widget tokens work from (CORS allow-list, migration 0017). */
  allowed_origins: string;
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
  /** Messages with `\Deleted`. */
  deleted: number;
  size: number;
  /** Journal rows with a modseq up to this one may have been pruned (see `mail_changes`). */
  journal_floor: number;
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
  /** `\Deleted`: expunged by the next IMAP EXPUNGE. */
  deleted: number;
  /** JSON array of IMAP keywords beyond the system flags, sorted. */
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

/**
 * The search index's documents, one per body (migration 0018-search). The columns holding the
 * words differ by engine (SQLite: the `search_fts` FTS5 table; PostgreSQL: tsvectors) and are
 * written and read with raw SQL by `search/`.
 */
export interface SearchDocsTable {
  blob_id: string;
  indexed_at: number;
}

/** What happened to a message in a mailbox, journaled with its modseq. */
export type ChangeKind = 'new' | 'flags' | 'expunge';

/**
 * The change journal: one row per change to a message in a mailbox, written
 * in the transaction of the change. Rows older than the retention are pruned
 * (raising `mailboxes.journal_floor`).
 */
export interface MailChangesTable {
  mailbox_id: string;
  modseq: number;
  uid: number;
  kind: ChangeKind;
  /** When it was written (epoch ms), for the retention. */
  at: number;
  /** The message's id on `expunge` rows (delta sync names removed messages); null otherwise. */
  message_id?: string | null;
}

/** Subscribed mailbox names (RFC 9051 §6.3.7); a name may be subscribed without existing. */
export interface MailboxSubscriptionsTable {
  user_id: string;
  name: string;
}

/** A message body small enough to live in the database (see `store/bodies.ts`); larger ones are files. */
export interface MessageBodiesTable {
  blob_id: string;
  data: Uint8Array;
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

/** How a session was signed in. */
export type AuthMethod = 'password' | 'link' | 'oidc' | 'cas';
/** What a session serves: webmail now; IMAP and POP3 register theirs later. */
export type SessionChannel = 'web' | 'imap' | 'pop3';

/** Sessions of the registry in `sso/`: web sessions now, other protocols later. */
export interface SessionsTable {
  /** Public id (lists, revocation); not a secret. */
  id: string;
  /** SHA-256 (hex) of the secret token the client holds (the cookie); the token itself is never stored. */
  token_hash: string;
  user_id: string;
  channel: SessionChannel;
  method: AuthMethod;
  /** SSO provider id (`sso.oidc[].id` …) or null for password and link sign-ins. */
  provider_id: string | null;
  /** OIDC `sid` of the IdP session, for back-channel logout. */
  external_sid: string | null;
  /** OIDC `sub` (or the CAS user) at the provider. */
  external_sub: string | null;
  /** CAS service ticket, for CAS single logout. */
  external_ticket: string | null;
  /** The ID token, sent back as `id_token_hint` at RP-initiated logout. */
  id_token: string | null;
  csrf_token: string;
  /** The user's `password_changed_at` at sign-in; a different value now ends the session. */
  credentials_stamp: number;
  created_at: number;
  last_seen_at: number;
  idle_expires_at: number;
  expires_at: number;
  ip: string;
  user_agent: string;
}

/** One-click login links (`POST /api/v1/sso/login-links`). */
export interface LoginLinksTable {
  id: string;
  token_hash: string;
  user_id: string;
  credentials_stamp: number;
  /** A path of this webmail, checked when issued. */
  redirect: string;
  /** Who issued it (`api_key:<id>`, `user:<address>`), for the audit. */
  issued_by: string;
  created_at: number;
  expires_at: number;
  /** Set once, atomically, when the link is used. */
  used_at: number | null;
}

/** An SSO sign-in between the redirect to the IdP and its callback. */
export interface SsoPendingTable {
  /** SHA-256 of the `state` parameter. */
  state_hash: string;
  provider_id: string;
  /** SHA-256 of the browser-binding cookie: the callback must come from the browser that started. */
  binding_hash: string;
  nonce: string;
  code_verifier: string;
  redirect_uri: string;
  /** Webmail path to land on afterwards. */
  return_to: string;
  created_at: number;
  expires_at: number;
}

/** Ids of logout tokens already acted on (OIDC Back-Channel Logout 1.0 §2.6 step 8). */
export interface SsoSeenTokensTable {
  provider_id: string;
  jti: string;
  expires_at: number;
}

/** Audit trail of SSO events: login links issued and used, SSO sign-ins, back-channel logouts. */
export interface SsoAuditTable {
  id: string;
  at: number;
  event: string;
  /** Who acted: `api_key:<id>`, `user:<address>`, `provider:<id>`, `anonymous`. */
  actor: string;
  /** Whom it concerned (an address), or '' when unknown. */
  subject: string;
  ip: string;
  /** `ok` or why not (`expired`, `used`, `user_disabled` …). */
  result: string;
  detail: string;
}

/** The outcome of a request sent with an `Idempotency-Key`; `status` is null while it runs. */
export interface IdempotencyKeysTable {
  /** Who sent it: `api_key:<id>`, `app:<client id>` or `user:<id>`. */
  owner: string;
  key: string;
  /** SHA-256 of the method, path and body: the same key with another request is refused. */
  fingerprint: string;
  status: number | null;
  /** The response body (JSON) to replay. */
  response: string | null;
  created_at: number;
}

/** A DKIM signing key of a domain (RFC 6376); see migration 0009. */
export interface DkimKeysTable {
  id: string;
  domain_id: string;
  /** The `s=` of signatures and the `<selector>._domainkey` DNS name. */
  selector: string;
  /** `rsa-sha256` or `ed25519-sha256`. */
  algorithm: string;
  /** PKCS#8 PEM. Never logged, never served. */
  private_key: string;
  /** The public key as base64 SPKI DER: the `p=` of the DNS record. */
  public_key: string;
  /** 1 for the key that signs; older keys stay (0) until deleted. */
  active: number;
  created_at: number;
}

/** What the MX found checking an inbound message, one row per body (see migration 0009). */
/** The filter's verdict on a body (migration 0012-filter). */
export interface MessageFilterResultsTable {
  blob_id: string;
  /** The combined verdict's kind: accept, tag, junk, quarantine. */
  verdict: string;
  score: number | null;
  /** JSON array of short reasons. */
  reasons: string;
  created_at: number;
}

/** A message held for an administrator, per recipient domain (migration 0012-filter). */
export interface QuarantineTable {
  id: string;
  blob_id: string;
  domain: string;
  mail_from: string;
  /** JSON: [{ userId, address }]. */
  recipients: string;
  subject: string;
  header_message_id: string | null;
  size: number;
  score: number | null;
  /** JSON array of short reasons. */
  reasons: string;
  created_at: number;
}

export interface MessageAuthResultsTable {
  blob_id: string;
  /** JSON of `AuthResults` (mail-auth/results.ts). */
  results: string;
  created_at: number;
}

/** Spam and ham counts of one token in one scope (`''` = global, else a user id); see migration 0010. */
export interface SpamTokensTable {
  scope: string;
  /** 53-bit hash of the token text. */
  token: number;
  spam: number;
  ham: number;
  at: number;
}

/** Learned message counts per scope. */
export interface SpamTotalsTable {
  scope: string;
  spam: number;
  ham: number;
}

/** A learned message: its class and its token ids (float64 little-endian each), for dedupe and unlearn. */
export interface SpamLearnedTable {
  scope: string;
  message_key: string;
  class: 'spam' | 'ham';
  tokens: Uint8Array;
  at: number;
}

/** A rule set (issue 24, filter/rules): the install's, a domain's or a user's. */
export interface FilterRulesTable {
  /** `system`, `domain:<id>` or `user:<id>`. */
  owner_key: string;
  scope: 'system' | 'domain' | 'user';
  domain_id: string | null;
  user_id: string | null;
  /** The ordered rules, JSON. */
  rules: string;
  updated_at: number;
}

/** When a user last auto-replied (vacation) to a sender. */
export interface VacationRepliesTable {
  user_id: string;
  /** The sender's address, lower-cased. */
  sender: string;
  replied_at: number;
}

/** A user's own settings (settings/); no row: the defaults. */
export interface UserSettingsTable {
  user_id: string;
  /** `zh-CN`, `en`, or null: the browser's. */
  language: string | null;
  signature_text: Generated<string>;
  /** Sanitized when saved. */
  signature_html: Generated<string>;
  /** JSON of settings/types.ts `Vacation`; null: never set. */
  vacation: string | null;
  /** JSON of settings/types.ts `Forwarding`; null: never set. */
  forwarding: string | null;
  updated_at: number;
}

/** When a user's auto-reply (settings/) last answered a sender. */
export interface AutoRepliesTable {
  user_id: string;
  /** The sender's address, lower-cased. */
  sender: string;
  replied_at: number;
}

/** A group's mail policy (filter/groups), JSON. */
export interface GroupPoliciesTable {
  group_id: string;
  policy: string;
  updated_at: number;
}

/** A greylisting triplet (filter/greylist). */
export interface GreylistTable {
  /** Hash of (client network, envelope sender, recipient). */
  triplet: string;
  first_seen: number;
  /** When a retry was first accepted; null while the triplet is deferred. */
  passed_at: number | null;
  expires_at: number;
}

/**
 * The event log (`events/`): written only through `appendEvents`, in the
 * transaction of the change each row describes. `position` orders it and is
 * the cursor clients hold; `data` is JSON of the type's catalogue schema.
 */
export interface EventLogTable {
  position: Generated<number>;
  /** UUID v7: the CloudEvents id and the webhook-id. */
  id: string;
  type: string;
  /** Epoch ms when it was written. */
  time: number;
  /** The domain it belongs to (a scoped reader's filter); null for install-wide events. */
  domain: string | null;
  /** The mailbox owner or the user it is about; null when none. */
  address: string | null;
  data: string;
}

/** What a local domain knows of a remote sender (filter/spam/sender-history.ts). */
export interface SenderHistoryTable {
  /** The local domain, lower case. */
  domain: string;
  /** A remote address, lower case, or `@` and its domain. */
  sender: string;
  /** Messages the domain's users wrote to it. */
  written: number;
  /** Messages from it learned as ham for the domain's users. */
  ham: number;
  updated_at: number;
}

/** The admin audit log (audit/): one row per state-changing API request; never a body or a secret. */
export interface AuditLogTable {
  id: string;
  at: number;
  /** `user`, `api_key`, `app`, `widget`. */
  actor_kind: string;
  /** The user's id, the key's id, the app's client id. */
  actor_id: string;
  /** A user's canonical address; null for credentials. */
  actor_address: string | null;
  /** The route's operationId (`createUser`), or `scim.<verb><Resource>` for SCIM. */
  action: string;
  method: string;
  /** The route pattern (`/api/v1/users/:address`), never the path. */
  route: string;
  /** JSON of the path parameters (address, domain, id, name …). */
  target: string;
  /** The domains it touched, comma-separated ('' for install-wide); audit_log_domains indexes them. */
  domains: string;
  /** The HTTP status it was answered with. */
  status: number;
  request_id: string;
  ip: string;
}

/** The domains of each audit entry, one row each (a domain admin reads by these). */
export interface AuditLogDomainsTable {
  audit_id: string;
  domain: string;
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
  message_bodies: MessageBodiesTable;
  mail_changes: MailChangesTable;
  mailbox_subscriptions: MailboxSubscriptionsTable;
  meta: MetaTable;
  sessions: SessionsTable;
  login_links: LoginLinksTable;
  sso_pending: SsoPendingTable;
  sso_seen_tokens: SsoSeenTokensTable;
  sso_audit: SsoAuditTable;
  directory_sync_runs: DirectorySyncRunsTable;
  directory_sources: DirectorySourcesTable;
  idempotency_keys: IdempotencyKeysTable;
  queue_messages: QueueMessagesTable;
  queue_domains: QueueDomainsTable;
  queue_recipients: QueueRecipientsTable;
  message_trace: MessageTraceTable;
  dkim_keys: DkimKeysTable;
  message_auth_results: MessageAuthResultsTable;
  message_filter_results: MessageFilterResultsTable;
  quarantine: QuarantineTable;
  spam_tokens: SpamTokensTable;
  spam_totals: SpamTotalsTable;
  spam_learned: SpamLearnedTable;
  filter_rules: FilterRulesTable;
  vacation_replies: VacationRepliesTable;
  group_policies: GroupPoliciesTable;
  greylist: GreylistTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_attempts: WebhookAttemptsTable;
  event_log: EventLogTable;
  search_docs: SearchDocsTable;
  sender_history: SenderHistoryTable;
  user_settings: UserSettingsTable;
  auto_replies: AutoRepliesTable;
  audit_log: AuditLogTable;
  audit_log_domains: AuditLogDomainsTable;
}
