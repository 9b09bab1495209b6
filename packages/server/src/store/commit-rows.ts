/**
 * The group committer's transaction: one batch of deliveries written durably
 * at once (inline bodies, UIDs, mailbox counters, used bytes, message rows and
 * their change-journal rows, so no message exists without its row or the other way round), and
 * the outbound queue rows of messages that leave (`DeliveryInput.outbound`).
 * `commit.ts` queues the deliveries, resolves their mailboxes and handles
 * failures; this file only writes.
 */
import { AppError, newId } from '../shared/index.js';
import type { Database, SyncStatements } from './db.js';
import { queuedEvents } from './delivery-events.js';
import { appendEvents, type NewEvent, syncEventAppender } from './event-log.js';
import { messageNewEvent } from './mail-events.js';
import type { Executor } from './mailboxes.js';
import { newMessageRow, type Placement } from './rows.js';
import type {
  MailChangesTable,
  MessageFilterResultsTable,
  MessagesTable,
  QuarantineTable,
  QueueDomainsTable,
  QueueMessagesTable,
  QueueRecipientsTable,
} from './schema.js';
import type { DeliveryInput, Placed } from './types.js';

/** A delivery of the batch, its target mailboxes resolved (one id per target). */
interface Resolved {
  input: DeliveryInput;
  mailboxIds?: string[];
  /** The owner's address per target (for the `message.new` events). */
  owners?: string[];
}

const ROWS_PER_INSERT = 500;

interface Totals {
  count: number;
  unread: number;
  size: number;
}

/** Per-mailbox and per-user sums of one batch, so each counter row is updated once. */
function sumBatch(items: Resolved[]): { boxes: Map<string, Totals>; users: Map<string, number> } {
  const boxes = new Map<string, Totals>();
  const users = new Map<string, number>();
  for (const p of items) {
    p.input.targets.forEach((t, i) => {
      const id = p.mailboxIds?.[i] as string;
      const box = boxes.get(id) ?? { count: 0, unread: 0, size: 0 };
      box.count += 1;
      box.unread += t.seen ? 0 : 1;
      box.size += p.input.blob.size;
      boxes.set(id, box);
      users.set(t.userId, (users.get(t.userId) ?? 0) + p.input.blob.size);
    });
  }
  return { boxes, users };
}

/**
 * Reserves `t.count` UIDs and modseqs of mailbox `id` and bumps its counters in
 * the same statement. `uid_next = uid_next + n … RETURNING` takes the row lock
 * on PostgreSQL, so nodes sharing the database never hand out one UID twice.
 * Its parameters, in order: `reserveParameters`.
 */
const reserveQuery = (db: Executor, id: string, t: Totals) =>
  db
    .updateTable('mailboxes')
    .set((eb) => ({
      uid_next: eb('uid_next', '+', t.count),
      highest_modseq: eb('highest_modseq', '+', t.count),
      total: eb('total', '+', t.count),
      unread: eb('unread', '+', t.unread),
      size: eb('size', '+', t.size),
    }))
    .where('id', '=', id)
    .returning(['uid_next', 'highest_modseq']);
const reserveParameters = (id: string, t: Totals) => [t.count, t.count, t.count, t.unread, t.size, id];

/** Adds `bytes` to a user's used bytes. Its parameters, in order: bytes, user id. */
const usedBytesQuery = (db: Executor, userId: string, bytes: number) =>
  db
    .updateTable('users')
    .set((eb) => ({ used_bytes: eb('used_bytes', '+', bytes) }))
    .where('id', '=', userId);

type Reserved = Map<string, { uid: number; modseq: number }>;

/** The first UID and modseq of a reservation, from the mailbox row as the reservation left it. */
const firstOf = (row: { uid_next: number | bigint; highest_modseq: number | bigint }, t: Totals) => ({
  uid: Number(row.uid_next) - t.count,
  modseq: Number(row.highest_modseq) - t.count + 1,
});

/**
 * Reserves UIDs and modseqs for every mailbox of the batch, bumping its
 * counters. Rows are locked in id order so two batches cannot deadlock.
 */
async function reserve(trx: Executor, boxes: Map<string, Totals>): Promise<Reserved> {
  const next: Reserved = new Map();
  for (const id of [...boxes.keys()].sort()) {
    const t = boxes.get(id) as Totals;
    const row = await reserveQuery(trx, id, t).executeTakeFirst();
    // Deleted since it was resolved: fail the transaction, the batch is retried item by item.
    if (!row) throw new AppError('MAILBOX_NOT_FOUND', 'target mailbox not found');
    next.set(id, firstOf(row, t));
  }
  return next;
}

/**
 * Builds every row of the batch from the reserved ranges, with its journal
 * row (`new`, the message's own modseq); returns the rows and the placements
 * per delivery.
 */
function buildRows(items: Resolved[], next: Reserved) {
  const rows: MessagesTable[] = [];
  const changes: MailChangesTable[] = [];
  const events: NewEvent[] = [];
  const at = Date.now();
  const placed = items.map((p) =>
    p.input.targets.map((t, i): Placed => {
      const mailboxId = p.mailboxIds?.[i] as string;
      const from = next.get(mailboxId) as { uid: number; modseq: number };
      const place: Placement = {
        id: newId(),
        mailboxId,
        userId: t.userId,
        uid: from.uid++,
        modseq: from.modseq++,
        seen: !!t.seen,
      };
      rows.push(newMessageRow(p.input, place));
      changes.push({ mailbox_id: mailboxId, modseq: place.modseq, uid: place.uid, kind: 'new', at });
      const address = p.owners?.[i] as string;
      const mailbox = t.mailbox ?? 'INBOX';
      events.push(
        messageNewEvent(p.input, { address, mailbox, id: place.id, uid: place.uid, unread: !t.seen }),
      );
      return { messageId: place.id, userId: t.userId, mailboxId, uid: place.uid, modseq: place.modseq };
    }),
  );
  for (const p of items) if (p.input.outbound) events.push(...queuedEvents(p.input.outbound));
  return { rows, changes, events, placed };
}

/** The bodies of the batch small enough for the database, once each (one body serves every target). */
function inlineBodies(items: Resolved[]): { blob_id: string; data: Buffer }[] {
  const bodies = new Map<string, Buffer>();
  for (const { input } of items) if (input.blob.data) bodies.set(input.blob.blobId, input.blob.data);
  return [...bodies].map(([blob_id, data]) => ({ blob_id, data }));
}

/** The authentication results of the batch, one row per body (absent for mail that was not checked). */
function authRows(items: Resolved[], at: number): { blob_id: string; results: string; created_at: number }[] {
  const rows = new Map<string, string>();
  for (const { input } of items) if (input.authResults) rows.set(input.blob.blobId, input.authResults);
  return [...rows].map(([blob_id, results]) => ({ blob_id, results, created_at: at }));
}

/** The filter verdicts and quarantine rows of the batch, each pointing at its delivery's body. */
function filterRows(items: Resolved[]) {
  const results = new Map<string, MessageFilterResultsTable>();
  const held: QuarantineTable[] = [];
  for (const { input } of items) {
    if (input.filterResult)
      results.set(input.blob.blobId, { ...input.filterResult, blob_id: input.blob.blobId });
    for (const q of input.quarantine ?? []) held.push({ ...q, blob_id: input.blob.blobId });
  }
  return { results: [...results.values()], held };
}

/** Bodies per INSERT: a few MB at most with the default inline limit. */
const BODIES_PER_INSERT = 32;

/**
 * One durable transaction for the whole batch: inline bodies, UIDs, counters,
 * used bytes, rows. Returns message ids per delivery.
 */
async function writeRows(database: Database, items: Resolved[]): Promise<Placed[][]> {
  const { boxes, users } = sumBatch(items);
  const bodies = inlineBodies(items);
  return database.db.transaction().execute(async (trx) => {
    for (let i = 0; i < bodies.length; i += BODIES_PER_INSERT) {
      await trx
        .insertInto('message_bodies')
        .values(bodies.slice(i, i + BODIES_PER_INSERT))
        .execute();
    }
    const auth = authRows(items, Date.now());
    if (auth.length > 0) await trx.insertInto('message_auth_results').values(auth).execute();
    const filtered = filterRows(items);
    if (filtered.results.length > 0)
      await trx.insertInto('message_filter_results').values(filtered.results).execute();
    if (filtered.held.length > 0) await trx.insertInto('quarantine').values(filtered.held).execute();
    const next = await reserve(trx, boxes);
    // Users after mailboxes, in id order: the lock order every store transaction follows.
    for (const userId of [...users.keys()].sort()) {
      await usedBytesQuery(trx, userId, users.get(userId) as number).execute();
    }
    const { rows, changes, events, placed } = buildRows(items, next);
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
      await trx
        .insertInto('messages')
        .values(rows.slice(i, i + ROWS_PER_INSERT))
        .execute();
      await trx
        .insertInto('mail_changes')
        .values(changes.slice(i, i + ROWS_PER_INSERT))
        .execute();
    }
    await insertOutbound(trx, items);
    // Last: on PostgreSQL it holds the event log's lock until the commit (see appendEvents).
    await appendEvents(trx, events);
    return placed;
  });
}

/** The outbound queue rows of the batch, each pointing at its delivery's body. */
function outboundRows(items: Resolved[]) {
  const messages: QueueMessagesTable[] = [];
  const domains: QueueDomainsTable[] = [];
  const recipients: QueueRecipientsTable[] = [];
  for (const { input } of items) {
    if (!input.outbound) continue;
    messages.push({ ...input.outbound.message, blob_id: input.blob.blobId });
    domains.push(...input.outbound.domains);
    recipients.push(...input.outbound.recipients);
  }
  return { messages, domains, recipients };
}

/**
 * Inserts the batch's queue rows (`DeliveryInput.outbound`) in its
 * transaction: a message is queued exactly when its delivery commits.
 */
async function insertOutbound(trx: Executor, items: Resolved[]): Promise<void> {
  const { messages, domains, recipients } = outboundRows(items);
  for (let i = 0; i < messages.length; i += QUEUE_ROWS_PER_INSERT)
    await trx
      .insertInto('queue_messages')
      .values(messages.slice(i, i + QUEUE_ROWS_PER_INSERT))
      .execute();
  for (let i = 0; i < domains.length; i += QUEUE_ROWS_PER_INSERT)
    await trx
      .insertInto('queue_domains')
      .values(domains.slice(i, i + QUEUE_ROWS_PER_INSERT))
      .execute();
  for (let i = 0; i < recipients.length; i += QUEUE_ROWS_PER_INSERT)
    await trx
      .insertInto('queue_recipients')
      .values(recipients.slice(i, i + QUEUE_ROWS_PER_INSERT))
      .execute();
}

/** Queue rows per INSERT: ≤ 15 columns each, far below both engines' parameter limits. */
const QUEUE_ROWS_PER_INSERT = 200;

/** A statement per row, prepared from its first use (its keys, in their order, are the columns). */
function rowInserter<T extends object>(
  db: Executor,
  statements: SyncStatements,
  table: 'queue_messages' | 'queue_domains' | 'queue_recipients' | 'message_filter_results' | 'quarantine',
) {
  let prepared: { columns: (keyof T)[]; run: (p: readonly unknown[]) => unknown } | undefined;
  return (row: T) => {
    prepared ??= {
      columns: Object.keys(row) as (keyof T)[],
      // biome-ignore lint/suspicious/noExplicitAny: one of the tables above, its row type given by T
      run: statements.prepare(db.insertInto(table).values(row as any)),
    };
    const { columns, run } = prepared;
    run(columns.map((c) => row[c]));
  };
}

/**
 * `writeRows` on SQLite: the same statements, compiled once and run
 * synchronously on the committer's connection (`Database.statements`). Building
 * and compiling them with Kysely for every batch cost the committer's thread
 * ≈ 10% of its CPU (bench/README.md); SQLite executes them the same either way.
 */
function sqliteRowWriter(db: Executor, statements: SyncStatements) {
  const insertBody = statements.prepare(
    db.insertInto('message_bodies').values({ blob_id: '', data: new Uint8Array() }),
  );
  const insertAuth = statements.prepare(
    db.insertInto('message_auth_results').values({ blob_id: '', results: '', created_at: 0 }),
  );
  const reserveRow = statements.prepare(reserveQuery(db, '', { count: 0, unread: 0, size: 0 }));
  const addUsedBytes = statements.prepare(usedBytesQuery(db, '', 0));
  const insertChange = statements.prepare(
    db.insertInto('mail_changes').values({ mailbox_id: '', modseq: 0, uid: 0, kind: 'new', at: 0 }),
  );
  const insertQueueMessage = rowInserter<QueueMessagesTable>(db, statements, 'queue_messages');
  const insertFilterResult = rowInserter<MessageFilterResultsTable>(db, statements, 'message_filter_results');
  const insertQuarantine = rowInserter<QuarantineTable>(db, statements, 'quarantine');
  const insertQueueDomain = rowInserter<QueueDomainsTable>(db, statements, 'queue_domains');
  const insertQueueRecipient = rowInserter<QueueRecipientsTable>(db, statements, 'queue_recipients');
  const insertEvents = syncEventAppender(db, statements);
  // Prepared from the first row: its keys, in their order, are the insert's columns.
  let insertMessage:
    | { columns: (keyof MessagesTable)[]; run: (p: readonly unknown[]) => unknown }
    | undefined;

  return (items: Resolved[]): Placed[][] => {
    const { boxes, users } = sumBatch(items);
    const bodies = inlineBodies(items);
    return statements.transaction(() => {
      for (const b of bodies) insertBody([b.blob_id, b.data]);
      for (const a of authRows(items, Date.now())) insertAuth([a.blob_id, a.results, a.created_at]);
      const filtered = filterRows(items);
      for (const r of filtered.results) insertFilterResult(r);
      for (const q of filtered.held) insertQuarantine(q);
      const next: Reserved = new Map();
      for (const id of [...boxes.keys()].sort()) {
        const t = boxes.get(id) as Totals;
        const [row] = reserveRow(reserveParameters(id, t));
        if (!row) throw new AppError('MAILBOX_NOT_FOUND', 'target mailbox not found');
        next.set(id, firstOf(row, t));
      }
      for (const userId of [...users.keys()].sort()) addUsedBytes([users.get(userId), userId]);
      const { rows, changes, events, placed } = buildRows(items, next);
      for (const row of rows) {
        insertMessage ??= {
          columns: Object.keys(row) as (keyof MessagesTable)[],
          run: statements.prepare(db.insertInto('messages').values(row)),
        };
        const { columns, run } = insertMessage;
        run(columns.map((c) => row[c]));
      }
      for (const c of changes) insertChange([c.mailbox_id, c.modseq, c.uid, c.kind, c.at]);
      const queued = outboundRows(items);
      for (const m of queued.messages) insertQueueMessage(m);
      for (const d of queued.domains) insertQueueDomain(d);
      for (const r of queued.recipients) insertQueueRecipient(r);
      insertEvents(events);
      return placed;
    });
  };
}

/**
 * Writes a batch in one transaction and returns the placements per delivery.
 * With `ownConnection` on SQLite (the committer's thread) the transaction runs
 * synchronously with statements compiled once; otherwise through Kysely.
 * Throws if the transaction fails: nothing of the batch was written.
 */
export function createRowWriter(
  database: Database,
  ownConnection: boolean,
): (items: Resolved[]) => Placed[][] | Promise<Placed[][]> {
  if (ownConnection && database.statements) return sqliteRowWriter(database.db, database.statements);
  return (items) => writeRows(database, items);
}
