import type { Logger } from 'pino';
import type { MailNotifier } from '../../store/index.js';

/** Told that one of the user's mailboxes changed (modseq 0: created, renamed or deleted). */
export type ChangeListener = (mailboxId: string, highestModseq: number) => void;

/**
 * Fans the store's notifications out to a user's IMAP sessions: one notifier
 * subscription per user however many sessions the user has open (a phone,
 * a desktop client with five connections, the webmail), so 20,000 idle
 * sessions cost 20,000 set entries, not 20,000 store listeners.
 */
export interface ChangeWatcher {
  /** Calls `listener` for every change of the user's mailboxes until the returned function is called. */
  watch(userId: string, listener: ChangeListener): () => void;
  /** Users with at least one session watching. */
  readonly users: number;
}

export function createChangeWatcher(notifier: MailNotifier, log: Logger): ChangeWatcher {
  const byUser = new Map<string, { listeners: Set<ChangeListener>; unsubscribe: () => void }>();
  const dispatch = (userId: string, mailboxId: string, modseq: number) => {
    const entry = byUser.get(userId);
    if (!entry) return;
    for (const listener of entry.listeners) {
      try {
        listener(mailboxId, modseq);
      } catch (err) {
        log.error({ err }, 'imap: a session failed to take a mailbox change');
      }
    }
  };
  return {
    watch(userId, listener) {
      let entry = byUser.get(userId);
      if (!entry) {
        entry = { listeners: new Set(), unsubscribe: notifier.subscribe(userId, dispatch) };
        byUser.set(userId, entry);
      }
      entry.listeners.add(listener);
      const current = entry;
      return () => {
        current.listeners.delete(listener);
        if (current.listeners.size === 0 && byUser.get(userId) === current) {
          byUser.delete(userId);
          current.unsubscribe();
        }
      };
    },
    get users() {
      return byUser.size;
    },
  };
}
