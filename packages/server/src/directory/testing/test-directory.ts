import type { Kysely } from 'kysely';
import { type DB, insertDefaultMailboxes } from '../../store/index.js';
import { createDirectory, type DirectoryDeps } from '../directory.js';

/**
 * The real directory over `db`, as tests of other modules need it: new users
 * get the default mailboxes, no quota, and no blob store to release into.
 * `overrides` adds what a test needs (e.g. an external authenticator).
 */
export const createTestDirectory = (db: Kysely<DB>, overrides: Partial<DirectoryDeps> = {}) =>
  createDirectory({
    db,
    defaultQuotaBytes: 0,
    createMailboxes: (trx, id) => insertDefaultMailboxes(trx, id),
    releaseBlobs: async () => {},
    ...overrides,
  });
