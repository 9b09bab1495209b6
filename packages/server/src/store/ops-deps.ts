import type { Logger } from '../telemetry/index.js';
import type { BodyStore } from './bodies.js';
import type { Database } from './db.js';
import type { MailNotifier } from './view-types.js';

/** One mailbox of a {@link MessagesPlaced}: its id and its RFC 6154 special use (`\\Junk` …). */
export interface PlacedMailbox {
  id: string;
  specialUse: string | null;
}

/** Messages a COPY or MOVE placed in another mailbox (IMAP, REST and webmail all pass here). */
export interface MessagesPlaced {
  userId: string;
  kind: 'copy' | 'move';
  from: PlacedMailbox;
  to: PlacedMailbox;
  /** The bodies of the messages placed, one per message. */
  blobIds: string[];
}

/** What the mail operations need; passed in, never module state. */
export interface OpsDeps {
  database: Database;
  blobs: BodyStore;
  notifier: MailNotifier;
  /** Told after a copy or move committed (spam learning from Junk moves); must not throw or block. */
  placed?: (event: MessagesPlaced) => void;
  log?: Logger;
}
