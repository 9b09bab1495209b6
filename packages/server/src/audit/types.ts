/** Who made an audited request. */
export interface AuditActor {
  kind: 'user' | 'api_key' | 'app' | 'widget';
  /** The user's id, the key's id, the app's client id. */
  id: string;
  /** A user's canonical address; null for credentials. */
  address: string | null;
}

/** One state-changing API request, as the audit log keeps it: never a body, a secret or a key. */
export interface AuditEntryInput {
  at: number;
  actor: AuditActor;
  /** The route's operationId (`createUser`); SCIM routes `scim.<verb><Resource>`. */
  action: string;
  method: string;
  /** The route pattern (`/api/v1/users/:address`), never the path. */
  route: string;
  /** The path parameters that name the object (address, domain, id, name …). */
  target: Record<string, string>;
  /** The domains it touched (lower case); empty for install-wide actions. */
  domains: string[];
  /** The HTTP status it was answered with. */
  status: number;
  requestId: string;
  ip: string;
}

/** A stored entry. */
export interface AuditEntry extends AuditEntryInput {
  id: string;
}

/** What a reader may see: everything, or the entries that touched these domains. */
export type AuditScope = { domains: 'all' } | { domains: string[] };

export interface AuditQuery {
  /** An actor's id or a user's address. */
  actor?: string;
  action?: string;
  /** Only entries that touched this domain. */
  domain?: string;
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
  limit: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

/** Writes entries in batches, off the request's path; reads them newest first. */
export interface AuditLog {
  /** Queues an entry; never throws, never waits for the database. */
  record(entry: AuditEntryInput): void;
  /** Entries newest first within `scope`. */
  list(query: AuditQuery, scope: AuditScope): Promise<{ items: AuditEntry[]; nextCursor: string | null }>;
  /** Writes what is queued now (tests, shutdown). */
  flush(): Promise<void>;
  /** Removes entries older than `retentionMs` before `now`; returns how many. */
  prune(now: number, retentionMs: number): Promise<number>;
  /** Flushes and stops the timer. */
  close(): Promise<void>;
}
