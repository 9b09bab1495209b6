import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Directory } from '../../directory/index.js';
import type { MailService } from '../../mail/index.js';
import { AppError } from '../../shared/index.js';
import type { DB, LocalMailStore, QuarantineTable } from '../../store/index.js';
import type { SpamClassifier } from '../spam/index.js';

/** Whose held messages a caller sees: all, or those for recipients in their domains. */
export type QuarantineScope = { domains: 'all' } | { domains: string[] };

/** A message held for an administrator (one per message and recipient domain). */
export interface QuarantineEntry {
  id: string;
  /** The recipients' domain. */
  domain: string;
  /** The envelope sender ('' for the null sender). */
  sender: string;
  recipients: string[];
  subject: string;
  headerMessageId: string | null;
  size: number;
  score: number | null;
  reasons: string[];
  createdAt: number;
}

export interface QuarantineService {
  /** Newest first; `domain` narrows to one recipient domain. */
  list(
    filter: { limit: number; cursor?: string; domain?: string },
    scope: QuarantineScope,
  ): Promise<{ items: QuarantineEntry[]; nextCursor: string | null }>;
  /** QUARANTINE_ENTRY_NOT_FOUND (404), also for an entry outside the caller's domains. */
  get(id: string, scope: QuarantineScope): Promise<QuarantineEntry>;
  /** Delivers the held message to its recipients' INBOX and removes the entry; how many copies were delivered. */
  release(id: string, scope: QuarantineScope): Promise<{ delivered: number }>;
  /** Removes the entry (and the body once nothing else holds it). */
  remove(id: string, scope: QuarantineScope): Promise<void>;
  /** Learns the held message as spam or ham into the global model, then releases (ham) or deletes (spam) it. */
  train(id: string, cls: 'spam' | 'ham', scope: QuarantineScope): Promise<{ delivered: number }>;
}

export interface QuarantineDeps {
  db: Kysely<DB>;
  store: Pick<LocalMailStore, 'blobs' | 'releaseBlobs'>;
  mail: Pick<MailService, 'receive'>;
  directory: Pick<Directory, 'findUserIds'>;
  spam: Pick<SpamClassifier, 'learn'>;
  maxMessageSize: number;
  log: Logger;
}

const parseJson = <T>(json: string, fallback: T): T => {
  try {
    return JSON.parse(json) as T;
  } catch {
    return fallback;
  }
};

function entryOf(row: QuarantineTable): QuarantineEntry {
  return {
    id: row.id,
    domain: row.domain,
    sender: row.mail_from,
    recipients: parseJson<Array<{ address: string }>>(row.recipients, []).map((r) => r.address),
    subject: row.subject,
    headerMessageId: row.header_message_id,
    size: Number(row.size),
    score: row.score === null ? null : Number(row.score),
    reasons: parseJson<string[]>(row.reasons, []),
    createdAt: Number(row.created_at),
  };
}

const encodeCursor = (id: string) => Buffer.from(id, 'utf8').toString('base64url');
function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[0-9A-Za-z_-]{1,100}$/.test(id))
    throw new AppError('INVALID_CURSOR', 'cursor is not one this list gave out');
  return id;
}

/** The quarantine (migration 0012-filter): what the filter held, for administrators to review. */
export function createQuarantineService(deps: QuarantineDeps): QuarantineService {
  const { db, log } = deps;
  const notFound = (id: string) => new AppError('QUARANTINE_ENTRY_NOT_FOUND', `no quarantined message ${id}`);

  async function row(id: string, scope: QuarantineScope): Promise<QuarantineTable> {
    const found = await db.selectFrom('quarantine').selectAll().where('id', '=', id).executeTakeFirst();
    if (!found || (scope.domains !== 'all' && !scope.domains.includes(found.domain))) throw notFound(id);
    return found;
  }

  /** Deletes the row (only one caller wins a race) and lets the body go once nothing holds it. */
  async function drop(r: QuarantineTable): Promise<boolean> {
    const res = await db.deleteFrom('quarantine').where('id', '=', r.id).executeTakeFirst();
    if (Number(res.numDeletedRows) !== 1) return false;
    await deps.store.releaseBlobs([r.blob_id]);
    return true;
  }

  async function release(r: QuarantineTable): Promise<{ delivered: number }> {
    const all = parseJson<Array<{ address: string; remote?: boolean }>>(r.recipients, []);
    const held = all.filter((x) => !x.remote).map((x) => x.address);
    // Remote recipients of held outbound mail: released, they go to the outbound queue.
    const remote = all.filter((x) => x.remote).map((x) => x.address);
    // The users as they are now: one deleted since is skipped, not a failed release.
    const ids = held.length > 0 ? await deps.directory.findUserIds(held) : new Map<string, string>();
    const targets = [...ids].map(([address, userId]) => ({ address, userId }));
    if (targets.length > 0 || remote.length > 0)
      await deps.mail.receive({
        stream: deps.store.blobs.read(r.blob_id),
        // The stored body already carries our trace header and the filter's headers.
        trace: '',
        targets,
        mailFrom: r.mail_from,
        outbound: remote.length > 0 ? { mailFrom: r.mail_from, recipients: remote } : undefined,
        maxSize: Math.max(deps.maxMessageSize, Number(r.size)),
      });
    if (!(await drop(r))) log.warn({ id: r.id }, 'quarantined message released twice at once');
    return { delivered: targets.length + remote.length };
  }

  return {
    async list(filter, scope) {
      if (scope.domains !== 'all' && scope.domains.length === 0) return { items: [], nextCursor: null };
      let q = db
        .selectFrom('quarantine')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(filter.limit + 1);
      if (scope.domains !== 'all') q = q.where('domain', 'in', scope.domains);
      if (filter.domain) q = q.where('domain', '=', filter.domain.toLowerCase());
      if (filter.cursor) q = q.where('id', '<', decodeCursor(filter.cursor));
      const rows = await q.execute();
      const page = rows.slice(0, filter.limit);
      const last = page.at(-1);
      return {
        items: page.map(entryOf),
        nextCursor: rows.length > filter.limit && last ? encodeCursor(last.id) : null,
      };
    },
    get: async (id, scope) => entryOf(await row(id, scope)),
    release: async (id, scope) => release(await row(id, scope)),
    async remove(id, scope) {
      if (!(await drop(await row(id, scope)))) throw notFound(id);
    },
    async train(id, cls, scope) {
      const r = await row(id, scope);
      await deps.spam.learn(await deps.store.blobs.readBuffer(r.blob_id), cls);
      if (cls === 'ham') return release(r);
      if (!(await drop(r))) throw notFound(id);
      return { delivered: 0 };
    },
  };
}
