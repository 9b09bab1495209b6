import type { Logger } from '../telemetry/index.js';
import type { MailboxListener, MailNotifier } from './view-types.js';

/**
 * The in-process `MailNotifier`: listeners per user in a map, called on a
 * later tick (a publisher never runs a listener's code inside its own call,
 * and a throwing listener is logged, not propagated). One process only; see
 * `MailNotifier` for LISTEN/NOTIFY or Redis across nodes.
 */
export function createMemoryNotifier(log?: Logger): MailNotifier {
  const listeners = new Map<string, Set<MailboxListener>>();
  return {
    publish(userId, mailboxId, highestModseq) {
      const set = listeners.get(userId);
      if (!set || set.size === 0) return;
      // A copy: a listener that unsubscribes (or subscribes another) while being told changes nothing here.
      const targets = [...set];
      queueMicrotask(() => {
        for (const listener of targets) {
          try {
            listener(userId, mailboxId, highestModseq);
          } catch (err) {
            log?.error({ err, userId }, 'a mail change listener failed');
          }
        }
      });
    },
    subscribe(userId, listener) {
      let set = listeners.get(userId);
      if (!set) {
        set = new Set();
        listeners.set(userId, set);
      }
      set.add(listener);
      return () => {
        const current = listeners.get(userId);
        if (!current) return;
        current.delete(listener);
        if (current.size === 0) listeners.delete(userId);
      };
    },
  };
}
