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
export type { CommitStats } from './commit.js';
export {
  type Database,
  type Engine,
  kyselyRead,
  type OpenDatabaseOptions,
  openDatabase,
  type PreparedRead,
} from './db.js';
export { createMailStore, type LocalMailStore, type MailStoreOptions } from './mail-store.js';
export { type Executor, insertDefaultMailboxes } from './mailboxes.js';
export type * from './schema.js';
export * from './types.js';
