/**
 * The store module's only public face: the metadata database, the blob
 * store and the mail store over both. Other modules import from here only.
 */
export {
  type BlobCommitResult,
  type BlobStoreOptions,
  createBlobStore,
  type LocalBlobStore,
} from './blobs.js';
export { type BodyStore, DEFAULT_INLINE_BODY_MAX_BYTES } from './bodies.js';
export type { ByteReplacement } from './byte-edit.js';
export type { CommitStats } from './commit.js';
export {
  type Database,
  type Engine,
  kyselyRead,
  type OpenDatabaseOptions,
  openDatabase,
  type PreparedRead,
} from './db.js';
export { deliveryEvent } from './delivery-events.js';
export { createEventBell, type EventBell } from './event-bell.js';
export {
  appendEvents,
  domainOf,
  EVENT_LOCK_KEY,
  EVENT_TYPES,
  EVENTS_CHANNEL,
  type EventType,
  type NewEvent,
} from './event-log.js';
export {
  canonicalKeyword,
  flagNames,
  MAX_KEYWORD_LENGTH,
  MAX_KEYWORDS,
  normalizeKeywords,
  parseFlags,
  SYSTEM_FLAGS,
  validKeyword,
} from './flags.js';
export {
  createMailStore,
  JOURNAL_RETENTION_MS,
  type LocalMailStore,
  type MailStoreOptions,
} from './mail-store.js';
export {
  checkMailboxName,
  isWithin,
  MAX_MAILBOX_DEPTH,
  MAX_MAILBOX_NAME_BYTES,
  mailboxName,
  parentNames,
} from './mailbox-names.js';
export { type Executor, insertDefaultMailboxes } from './mailboxes.js';
export { createMemoryNotifier } from './notifier.js';
export type { MessagesPlaced, PlacedMailbox } from './ops-deps.js';
export type * from './schema.js';
export * from './types.js';
