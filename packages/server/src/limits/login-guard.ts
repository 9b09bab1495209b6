/**
 * The one guard in front of every password check — SMTP AUTH, API Basic,
 * webmail sign-in (and IMAP/POP3 as they land) — and the budget for wrong
 * keys and tokens. Built once in `main.ts`; every listener shares it, so a
 * failure on one path counts on all of them.
 *
 * Password attempts fill leaky buckets, each with its own job:
 *
 * - **(account, address)**: one guesser at one account. A few typos are
 *   free, then the wait doubles up to 15 minutes. The strong limit; a
 *   stranger elsewhere shares no bucket with the real user.
 * - **address**: one address spraying many accounts (the pair alone would
 *   give it a fresh budget per account). A generous burst and a leak of one
 *   a minute, so an office behind one NAT address mistyping now and then
 *   never fills it, while a spray stalls within seconds.
 * - **account**, in two lanes (all addresses together): many addresses
 *   guessing one account. An address that has failed at the account three
 *   times in the last hours (its history forgets one failure every 6 hours)
 *   is a suspect and uses the suspects' lane; any other address uses the
 *   newcomers' lane. Each lane is capped at 30 s: the worst anyone
 *   can do to the real user is a half-minute wait — never a lockout — and
 *   guessers who have been caught at it cannot even compete for the
 *   newcomers' slots, which is where the real user, signing in from an
 *   address that has not been failing, finds a free one.
 *
 * An attempt is charged *before* the password is checked (counted while in
 * flight), so a parallel burst cannot slip past the counters while the slow
 * password hash runs; a refused attempt is answered at once, checks nothing
 * and costs nothing. So that a burst of *right* passwords — a mail client
 * opening five connections at once, a phone and a desktop behind one
 * address, an integration making parallel Basic-auth calls — is not taken
 * for guessing, one (account, address) pair has at most two attempts in
 * flight: the others wait their turn (in this process) and are admitted as
 * earlier ones settle, after a success with the pair's budget cleared. Nothing checked (directory unreachable): refunded. A
 * success clears its pair and refunds its own charges, but leaves the
 * account's lanes alone: mail clients sign in every few minutes, and each
 * of those must not hand a botnet a fresh budget. A wrong password that this
 * address already tried at this account guesses nothing new — a phone stuck
 * on an old password — so it is refunded from the address and account
 * buckets (the pair keeps it: the stuck client slows only itself).
 *
 * Keys, app tokens and client secrets are 256 random bits or signed:
 * guessing one is hopeless, so they are checked first and a valid one is
 * never refused. Only a wrong one is counted, per address and apart from
 * passwords (a password spray cannot lock out keys, nor garbage tokens
 * passwords); past the budget a wrong one is answered "wait" instead of
 * "invalid". There is no per-app budget: client ids are public, and one
 * would let anyone hold an integration up.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { normalizeAddress } from '../shared/index.js';
import { clientKey } from './address-list.js';
import type { Bucket, BucketRule, BucketStore } from './bucket-store.js';
import { KeyedSlots, type Release } from './keyed-slots.js';

const MINUTE = 60_000;

/** The budgets (README "Failed sign-ins"). */
export const LOGIN_RULES = {
  pair: { name: 'login-pair', free: 5, leakMs: 5 * MINUTE, baseMs: 1000, maxMs: 15 * MINUTE },
  /** The pair's failures over hours, never a wait: what makes an address a suspect at an account. */
  history: {
    name: 'login-pair-history',
    free: Number.MAX_SAFE_INTEGER,
    leakMs: 6 * 60 * MINUTE,
    baseMs: 0,
    maxMs: 0,
  },
  address: { name: 'login-address', free: 30, leakMs: MINUTE, baseMs: 1000, maxMs: 15 * MINUTE },
  suspects: { name: 'login-account', free: 10, leakMs: 30_000, baseMs: 1000, maxMs: 30_000 },
  newcomers: { name: 'login-account-new', free: 10, leakMs: 30_000, baseMs: 1000, maxMs: 30_000 },
  secrets: { name: 'secret-address', free: 20, leakMs: 1000, baseMs: 1000, maxMs: MINUTE },
} as const satisfies Record<string, BucketRule>;

/**
 * An address with this many failures at an account in its history (which
 * drains one every 6 hours) is a suspect there: the real user's typo or two
 * is not, a guesser soon is — and stays one long after its pair has drained.
 */
export const SUSPECT_FAILURES = 3;

/** Password checks of one (account, address) pair in flight at once; more wait (see the module comment). */
export const IN_FLIGHT_PER_PAIR = 2;

/**
 * An admitted attempt not settled within this long gives its place in the
 * pair's queue up anyway (its charge stays): a caller that forgets to settle
 * must not hold the pair's sign-ins up for ever. Longer than any password
 * check or directory bind takes.
 */
const SETTLE_DEADLINE_MS = 60_000;

/** How long a wrong password is recognised when the same address tries it at the same account again. */
const REPEAT_MEMORY_MS = 24 * 60 * MINUTE;

/** Budgets of failed sign-ins, shared by every listener (see the module comment). */
export interface LoginGuard {
  /**
   * Counts a password attempt at `account` from `ip` that is about to be
   * checked, or refuses it. Settle an admitted attempt with its handle.
   */
  admit(account: string, ip: string): Promise<Admission>;
  /**
   * Counts a key, app token or client secret from `ip` that did not verify
   * (or an unreadable Authorization header). Resolves 0 when it is within
   * the address's budget (answer "invalid"), else seconds to wait (answer
   * 429 / "try later").
   */
  secretFailed(ip: string): Promise<number>;
}

/** The guard's answer to a password attempt about to be checked. */
export type Admission =
  | { admitted: true; attempt: LoginAttempt }
  /** Seconds until an attempt may be admitted; nothing was counted. */
  | { admitted: false; retryAfter: number };

/** An admitted attempt; report its outcome once. */
export interface LoginAttempt {
  /** The password was right. */
  succeeded(): Promise<void>;
  /**
   * The password was wrong or the account unknown: the attempt stays
   * counted, unless this address tried this password at this account before.
   * Only a keyed hash of the password is kept, never the password.
   */
  failed(password: string): Promise<void>;
  /** Nothing was checked (e.g. the directory was unreachable): the attempt is refunded. */
  cancelled(): Promise<void>;
}

export interface LoginGuardOptions {
  /** Where the counters live: `createMemoryBucketStore()`, or a store shared by several nodes. */
  store: BucketStore;
  /** Key of the hashes that recognise a repeated wrong password; default random. Nodes sharing a store share it too. */
  repeatKey?: Buffer;
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** The buckets of one attempt at `account` from `ip`. */
function bucketsOf(account: string, ip: string) {
  const a = normalizeAddress(account);
  const address = clientKey(ip); // IPv4, or the IPv6 /64 (one host has a whole /64 to pick from)
  const bucket = (rule: BucketRule, key: string): Bucket => ({ rule, key });
  return {
    account: a,
    pair: bucket(LOGIN_RULES.pair, `${a}\n${address}`),
    history: bucket(LOGIN_RULES.history, `${a}\n${address}`),
    address: bucket(LOGIN_RULES.address, address),
    suspects: bucket(LOGIN_RULES.suspects, a),
    newcomers: bucket(LOGIN_RULES.newcomers, a),
  };
}

/**
 * The handle of an admitted attempt that charged `lane` and holds its
 * pair's place (`release`); the first outcome counts, later ones do nothing.
 */
function attemptOf(
  store: BucketStore,
  b: ReturnType<typeof bucketsOf>,
  lane: Bucket,
  fingerprint: (account: string, password: string) => string,
  release: Release,
): LoginAttempt {
  let settled = false;
  const deadline = setTimeout(release, SETTLE_DEADLINE_MS);
  deadline.unref();
  const once = async (outcome: () => Promise<void>) => {
    if (settled) return;
    settled = true;
    clearTimeout(deadline);
    try {
      await outcome();
    } finally {
      release(); // after the outcome is counted: the next in line sees it (a success cleared the pair)
    }
  };
  return {
    succeeded: () =>
      once(async () => {
        await store.clear([b.pair, b.history]);
        await store.refund([b.address, lane]);
      }),
    failed: (password) =>
      once(async () => {
        const mark = fingerprint(b.account, password);
        if (await store.remember(`login-repeat:${b.pair.key}`, mark, REPEAT_MEMORY_MS)) {
          await store.refund([b.history, b.address, lane]);
        }
      }),
    cancelled: () => once(() => store.refund([b.pair, b.history, b.address, lane])),
  };
}

/**
 * Builds the guard over `options.store`. `main.ts` builds one and hands it to
 * every listener; each listener asks it before a password check and reports
 * the outcome (see the module comment above for the budgets).
 */
export function createLoginGuard(options: LoginGuardOptions): LoginGuard {
  const { store } = options;
  const repeatKey = options.repeatKey ?? randomBytes(32);
  const inFlight = new KeyedSlots(IN_FLIGHT_PER_PAIR);
  const fingerprint = (account: string, password: string) =>
    createHmac('sha256', repeatKey).update(`${account}\n${password}`).digest('base64url').slice(0, 16);

  return {
    async admit(account, ip) {
      const b = bucketsOf(account, ip);
      const release = await inFlight.acquire(b.pair.key);
      try {
        // Read, then take: in a parallel burst several attempts may pick the newcomers' lane before
        // the first is counted. Harmless: each lane still admits only its own budget, atomically.
        const [failures = 0] = await store.levels([b.history]);
        // The history drains continuously: 3 failures read 2.99…, so "more than 2" means "3 lately".
        const lane = failures > SUSPECT_FAILURES - 1 ? b.suspects : b.newcomers;
        const waitMs = await store.take([b.pair, b.history, b.address, lane]);
        if (waitMs > 0) {
          release();
          return { admitted: false, retryAfter: seconds(waitMs) };
        }
        return { admitted: true, attempt: attemptOf(store, b, lane, fingerprint, release) };
      } catch (error) {
        release();
        throw error;
      }
    },

    async secretFailed(ip) {
      const waitMs = await store.take([{ rule: LOGIN_RULES.secrets, key: clientKey(ip) }]);
      return waitMs > 0 ? seconds(waitMs) : 0;
    },
  };
}
