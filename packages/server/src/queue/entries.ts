/** The operators' view of the queue: entries (one message, one destination domain) as `QueueEntry`. */
import { AppError, normalizeDomain, splitAddress } from '../shared/index.js';
import type {
  Database,
  QueueDomainsTable,
  QueueMessagesTable,
  QueueRecipientsTable,
} from '../store/index.js';
import type { QueueScope } from './scope.js';
import type { QueueEntry, QueueFilter } from './types.js';

const iso = (ms: number | null) => new Date(Number(ms)).toISOString();

/** An address as the queue keeps it: the local part as given, the domain canonical. */
export function queueAddress(address: string): string {
  const parts = splitAddress(address.trim());
  return parts ? `${parts.local}@${normalizeDomain(parts.domain)}` : address.trim();
}

type JoinedRow = QueueDomainsTable &
  Pick<
    QueueMessagesTable,
    'mail_from' | 'size' | 'subject' | 'header_message_id' | 'expires_at' | 'sender_domain'
  >;

export function toEntry(row: JoinedRow, recipients: QueueRecipientsTable[]): QueueEntry {
  return {
    id: row.id,
    queueMessageId: row.queue_message_id,
    domain: row.domain,
    state: row.state,
    attempts: Number(row.attempts),
    createdAt: iso(row.created_at),
    nextAttemptAt: iso(row.next_attempt_at),
    expiresAt: iso(row.expires_at),
    sender: row.mail_from,
    size: Number(row.size),
    subject: row.subject,
    headerMessageId: row.header_message_id,
    lastError:
      row.last_attempt_at !== null && row.last_response !== null
        ? {
            code: row.last_code === null ? null : Number(row.last_code),
            enhanced: row.last_enhanced,
            response: row.last_response,
            at: iso(row.last_attempt_at),
          }
        : null,
    recipients: recipients.map((r) => ({
      address: r.address,
      state: r.state,
      code: r.code === null ? null : Number(r.code),
      response: r.response,
    })),
  };
}

function joined(database: Database) {
  return database.db
    .selectFrom('queue_domains as d')
    .innerJoin('queue_messages as m', 'm.id', 'd.queue_message_id')
    .selectAll('d')
    .select(['m.mail_from', 'm.size', 'm.subject', 'm.header_message_id', 'm.expires_at', 'm.sender_domain']);
}

async function recipientsOf(database: Database, ids: string[]): Promise<Map<string, QueueRecipientsTable[]>> {
  const out = new Map<string, QueueRecipientsTable[]>();
  if (ids.length === 0) return out;
  const rows = await database.db
    .selectFrom('queue_recipients')
    .selectAll()
    .where('queue_domain_id', 'in', ids)
    .orderBy('address')
    .execute();
  for (const r of rows) {
    const list = out.get(r.queue_domain_id) ?? [];
    list.push(r);
    out.set(r.queue_domain_id, list);
  }
  return out;
}

const CURSOR = /^[0-9a-f]{12}[A-Za-z0-9_-]{12}$/;

/** Entries in id (arrival) order; the cursor is the last id shown. */
export async function listEntries(
  database: Database,
  filter: QueueFilter & { limit: number; cursor?: string },
  scope: QueueScope,
): Promise<{ items: QueueEntry[]; nextCursor: string | null }> {
  if (scope.domains !== 'all' && scope.domains.length === 0) return { items: [], nextCursor: null };
  let q = joined(database);
  if (filter.cursor !== undefined) {
    if (!CURSOR.test(filter.cursor)) throw new AppError('INVALID_CURSOR');
    q = q.where('d.id', '>', filter.cursor);
  }
  if (filter.state) q = q.where('d.state', '=', filter.state);
  if (filter.domain) q = q.where('d.domain', '=', normalizeDomain(filter.domain));
  if (filter.sender !== undefined) q = q.where('m.mail_from', '=', queueAddress(filter.sender));
  if (filter.recipient) {
    const address = queueAddress(filter.recipient);
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('queue_recipients as r')
          .select('r.address')
          .whereRef('r.queue_domain_id', '=', 'd.id')
          .where('r.address', '=', address),
      ),
    );
  }
  if (scope.domains !== 'all') {
    const domains = scope.domains.map(normalizeDomain);
    q = q.where((eb) => eb.or([eb('m.sender_domain', 'in', domains), eb('d.domain', 'in', domains)]));
  }
  const rows = await q
    .orderBy('d.id')
    .limit(filter.limit + 1)
    .execute();
  const page = rows.slice(0, filter.limit);
  const recipients = await recipientsOf(
    database,
    page.map((r) => r.id),
  );
  return {
    items: page.map((r) => toEntry(r, recipients.get(r.id) ?? [])),
    nextCursor: rows.length > filter.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

/** One entry, or QUEUE_ENTRY_NOT_FOUND (also when it is outside `scope`). */
export async function getEntry(database: Database, id: string, scope: QueueScope): Promise<QueueEntry> {
  const row = await joined(database).where('d.id', '=', id).executeTakeFirst();
  const visible =
    row &&
    (scope.domains === 'all' ||
      scope.domains.map(normalizeDomain).some((d) => d === row.domain || d === row.sender_domain));
  if (!row || !visible) throw new AppError('QUEUE_ENTRY_NOT_FOUND', `no queue entry ${id}`);
  const recipients = await recipientsOf(database, [id]);
  return toEntry(row, recipients.get(id) ?? []);
}

/** Makes a waiting entry due now; a `sending` one is left to its attempt. */
export async function makeDue(database: Database, id: string, now: number): Promise<void> {
  await database.db
    .updateTable('queue_domains')
    .set({ next_attempt_at: now, updated_at: now })
    .where('id', '=', id)
    .where('state', '!=', 'sending')
    .execute();
}
