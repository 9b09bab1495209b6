import type { Logger } from '../telemetry/index.js';
import type { BodyStore } from './bodies.js';
import type { Database } from './db.js';
import type { MailNotifier } from './view-types.js';

/** What the mail operations need; passed in, never module state. */
export interface OpsDeps {
  database: Database;
  blobs: BodyStore;
  notifier: MailNotifier;
  log?: Logger;
}
