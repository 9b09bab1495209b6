import type { LoginGuard } from '../../limits/index.js';

/**
 * Password checks of one account that may run at once; more wait their turn.
 *
 * The login guard charges an attempt while its password is being checked
 * (so a parallel burst of guesses cannot slip past it), which means that a
 * client opening many connections at once with the right password — a
 * phone, a desktop client syncing every folder, imaptest's 50 sessions —
 * would see the later ones refused ("too many failed logins") only because
 * the first ones are still hashing. Queued here instead, each is admitted
 * once an earlier one has settled (a success clears the account's pair).
 * Two at a time: scrypt runs on libuv's pool, and two keep both cores of a
 * small machine busy without piling up in-flight charges.
 */
export const SIGN_INS_PER_ACCOUNT = 2;

interface Lane {
  running: number;
  waiting: Array<() => void>;
}

/** Runs functions keyed by account, at most `perKey` of one key at a time, in arrival order. */
export class KeyedQueue {
  private readonly lanes = new Map<string, Lane>();

  constructor(private readonly perKey: number) {}

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { running: 0, waiting: [] };
      this.lanes.set(key, lane);
    }
    if (lane.running >= this.perKey) await new Promise<void>((r) => lane?.waiting.push(r));
    else lane.running += 1;
    try {
      return await fn();
    } finally {
      const next = lane.waiting.shift();
      if (next)
        next(); // the slot passes on: `running` stays
      else {
        lane.running -= 1;
        if (lane.running === 0) this.lanes.delete(key);
      }
    }
  }

  /** Keys with a check running or waiting (for tests). */
  get size(): number {
    return this.lanes.size;
  }
}

const queues = new WeakMap<LoginGuard, KeyedQueue>();

/** The queue in front of `guard`: one per guard, so every IMAP listener sharing it shares the queue. */
export function signInQueueOf(guard: LoginGuard): KeyedQueue {
  let q = queues.get(guard);
  if (!q) {
    q = new KeyedQueue(SIGN_INS_PER_ACCOUNT);
    queues.set(guard, q);
  }
  return q;
}
