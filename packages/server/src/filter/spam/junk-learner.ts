import type { Logger } from 'pino';
import type { MessagesPlaced } from '../../store/index.js';
import type { SpamClassifier } from './classifier.js';
import type { SpamClass } from './token-store.js';

/** RFC 6154 §2: the special uses that decide what a move teaches. */
const JUNK = '\\Junk';
const TRASH = '\\Trash';

export interface JunkLearnerDeps {
  classifier: Pick<SpamClassifier, 'learn'>;
  /** A message's bytes by blob id (the store's `blobs.readBuffer`). */
  readBody(blobId: string): Promise<Buffer>;
  /** Most messages waiting to be learned; beyond it new ones are dropped (logged): learning is best effort. */
  maxPending?: number;
  /** Told of each message learned as ham ("Not junk"): the sender history's `noteHam`. */
  learnedHam?: (userId: string, raw: Buffer) => Promise<void>;
  log: Logger;
}

export interface JunkLearner {
  /** The store's `onMessagesPlaced`: returns at once, learning happens after. */
  placed(event: MessagesPlaced): void;
  /** Resolves when nothing is waiting (tests, shutdown). */
  idle(): Promise<void>;
}

/**
 * What a copy or move teaches the user's own model: into Junk is spam (a move
 * or a copy: the user says "this is junk"); moved out of Junk to anywhere but
 * Trash is ham ("Not junk"). Deleting from Junk teaches nothing. Returns null
 * for every other placement.
 */
export function lessonOf(event: MessagesPlaced): SpamClass | null {
  const fromJunk = event.from.specialUse === JUNK;
  const toJunk = event.to.specialUse === JUNK;
  if (toJunk && !fromJunk) return 'spam';
  if (fromJunk && !toJunk && event.kind === 'move' && event.to.specialUse !== TRASH) return 'ham';
  return null;
}

/**
 * Learns from users' Junk moves, in the user's own model only: the global
 * model stays the administrator's (trained with `jdmail spam train` or the
 * train API), so one user — or one attacker with one account — cannot teach
 * everyone's filter. Learning runs after the move answered, one message at a
 * time; the classifier dedupes by message key, so moving a message to Junk
 * twice counts once, and moving it back relearns it as ham (its spam counts
 * are taken back first).
 */
export function createJunkLearner(deps: JunkLearnerDeps): JunkLearner {
  const maxPending = deps.maxPending ?? 10_000;
  const pending: { userId: string; blobId: string; cls: SpamClass }[] = [];
  let running: Promise<void> | null = null;

  function kick(): void {
    if (running) return;
    running = drain().finally(() => {
      running = null;
      // A job pushed after the drain's last look, before this callback: start again.
      if (pending.length > 0) kick();
    });
  }

  async function drain(): Promise<void> {
    for (let job = pending.shift(); job; job = pending.shift()) {
      try {
        const raw = await deps.readBody(job.blobId);
        const outcome = await deps.classifier.learn(raw, job.cls, { userId: job.userId });
        deps.log.debug({ userId: job.userId, cls: job.cls, outcome }, 'learned from a Junk move');
        if (job.cls === 'ham') await deps.learnedHam?.(job.userId, raw);
      } catch (err) {
        deps.log.warn({ err, userId: job.userId, cls: job.cls }, 'could not learn from a Junk move');
      }
    }
  }

  return {
    placed(event) {
      const cls = lessonOf(event);
      if (!cls) return;
      for (const blobId of event.blobIds) {
        if (pending.length >= maxPending) {
          deps.log.warn({ userId: event.userId }, 'spam learning queue full; a Junk move is not learned');
          break;
        }
        pending.push({ userId: event.userId, blobId, cls });
      }
      kick();
    },
    async idle() {
      while (running) await running;
    },
  };
}
