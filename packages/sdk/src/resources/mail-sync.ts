import { GoneError } from '../errors.js';
import type { HttpClient } from '../http.js';
import type { MessageSummary } from '../types.js';
import { path } from './path.js';

/** One answer of `GET /users/{address}/messages/changes` (see {@link Mail.changes}). */
export interface MailboxChanges {
  /** Messages that arrived in a folder (new, appended, copied, moved): upsert by id. */
  added: MessageSummary[];
  /** Messages whose flags or keywords changed: upsert by id. */
  updated: MessageSummary[];
  /** Ids of messages that no longer exist (ignore ones you never saw). */
  removed: string[];
  /** Opaque; pass as `since` next time. */
  token: string;
  /** More changes wait: call again now with `token`. */
  hasMore: boolean;
}

/** Options of {@link Mail.syncMailbox}. */
export interface SyncMailboxOptions {
  /** The token the previous sync returned; none for a first (full) sync. */
  token?: string;
  /** Called for each answer, in order; apply it to your copy before it resolves. */
  onChange: (changes: MailboxChanges) => void | Promise<void>;
  /**
   * Called when the server can no longer answer from `token` (410 `SYNC_TOKEN_EXPIRED`):
   * drop your copy; the sync then starts again from nothing and `onChange` refills it.
   */
  onReset?: () => void | Promise<void>;
  /** Messages per answer, 1–1000 (default 500). */
  limit?: number;
}

/** @internal One delta-sync call. */
export function fetchChanges(
  http: HttpClient,
  address: string,
  since: string | undefined,
  limit?: number,
): Promise<MailboxChanges> {
  return http.json({
    method: 'GET',
    path: path`/users/${address}/messages/changes`,
    query: { since, limit },
  });
}

/**
 * @internal
 * Brings a copy up to date: asks for changes from `token` until the server
 * has no more, handing each answer to `onChange`, and returns the token to
 * keep. A 410 resets (via `onReset`) and syncs everything once from nothing.
 */
export async function syncMailbox(
  http: HttpClient,
  address: string,
  options: SyncMailboxOptions,
): Promise<string> {
  let token = options.token;
  let reset = false;
  for (;;) {
    let changes: MailboxChanges;
    try {
      changes = await fetchChanges(http, address, token, options.limit);
    } catch (error) {
      // Only once: a second 410 straight after a full listing is not the token's age.
      if (!(error instanceof GoneError) || token === undefined || reset) throw error;
      reset = true;
      token = undefined;
      await options.onReset?.();
      continue;
    }
    await options.onChange(changes);
    token = changes.token;
    if (!changes.hasMore) return token;
  }
}
