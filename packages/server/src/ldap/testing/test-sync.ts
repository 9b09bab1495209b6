import type { Kysely } from 'kysely';
import { createDirectorySyncTarget } from '../../directory/index.js';
import { type DB, insertDefaultMailboxes } from '../../store/index.js';
import type { Logger } from '../../telemetry/index.js';
import type { EventSink } from '../events.js';
import { createDirectorySync, type DirectorySync } from '../service.js';
import type { LdapSource } from '../source.js';

/**
 * The real sync service over `db` for tests: no schedule, no quota, events to `emit`, and
 * `onChange` told of each batch as `main.ts` tells the directory's recipient cache.
 */
export function createTestSync(
  db: Kysely<DB>,
  sources: LdapSource[],
  log: Logger,
  emit: EventSink = () => {},
  onChange?: () => void,
): DirectorySync {
  return createDirectorySync({
    sources,
    target: createDirectorySyncTarget({
      db,
      defaultQuotaBytes: 0,
      createMailboxes: (trx, id) => insertDefaultMailboxes(trx, id),
      onChange,
    }),
    emit,
    log,
    intervalMs: 0,
    fullIntervalMs: 0,
  });
}
