// Many IMAP sessions held in IDLE (authenticated, INBOX selected) by this process.
import { type ImapResponse, ImapWire } from '../../../test/harness/imap-wire.js';
import type { BenchUser } from './servers.js';

/** Source addresses the sessions are spread over: each has its own ephemeral ports. */
const SOURCES = Array.from({ length: 8 }, (_, i) => `127.0.0.${i + 2}`);

export interface IdleSession {
  wire: ImapWire;
  user: string;
  /** Set by the latency probe: called with the arrival time of each `* n EXISTS`. */
  onExists: ((at: number) => void) | null;
}

/** How many sessions came up, and a way to end them. */
export interface IdleCount {
  asked: number;
  failed: number;
  /** The first few reasons sessions failed. */
  errors: string[];
  setupMs: number;
  held: number;
  close(): Promise<void>;
}

export interface IdleHolder extends IdleCount {
  sessions: IdleSession[];
}

export interface HoldOptions {
  port: number;
  users: BenchUser[];
  count: number;
  /** Session numbers start here (users and source addresses are picked round-robin by number). */
  offset?: number;
  concurrency?: number;
  deadlineMs: number;
}

const EXISTS = /^\* \d+ EXISTS/i;

async function openIdle(port: number, user: BenchUser, source: string): Promise<IdleSession> {
  const wire = await ImapWire.connect({ port, localAddress: source }, 60_000);
  try {
    const login = await wire.login(user.name, user.password);
    if (login.status !== 'OK') throw new Error(`LOGIN: ${login.text}`);
    const sel = await wire.command('SELECT INBOX', { timeoutMs: 60_000 });
    if (sel.status !== 'OK') throw new Error(`SELECT: ${sel.text}`);
    const s: IdleSession = { wire, user: user.name, onExists: null };
    await wire.idle(60_000);
    wire.onUntagged = (r: ImapResponse) => {
      if (EXISTS.test(r.text)) s.onExists?.(r.at);
      wire.unsolicited.length = 0; // keepalives and updates are not kept: thousands of sessions
    };
    return s;
  } catch (err) {
    wire.destroy();
    throw err;
  }
}

/**
 * Opens `count` sessions, spread round-robin over `users`, `concurrency` at a time, each
 * logged in with INBOX selected and in IDLE. Sessions not idling by `deadlineMs` count as failed
 * (a server that stops accepting, as Dovecot does at its process limit, ends up here).
 */
export async function holdIdleSessions(o: HoldOptions): Promise<IdleHolder> {
  const started = performance.now();
  const sessions: IdleSession[] = [];
  const errors: string[] = [];
  let failed = 0;
  let next = 0;
  let timedOut = false;
  const deadline = setTimeout(() => {
    timedOut = true;
  }, o.deadlineMs);
  const worker = async () => {
    while (!timedOut && next < o.count) {
      const i = (o.offset ?? 0) + next++;
      const user = o.users[i % o.users.length] as BenchUser;
      const opening = openIdle(o.port, user, SOURCES[i % SOURCES.length] as string);
      let abandoned = false;
      // A session that comes up after its deadline is closed at once: nothing is left behind.
      opening.then(
        (s) => abandoned && s.wire.destroy(),
        () => {},
      );
      let timer: NodeJS.Timeout | undefined;
      try {
        const left = Math.max(1, o.deadlineMs - (performance.now() - started));
        const s = await Promise.race([
          opening,
          new Promise<never>((_, rej) => {
            timer = setTimeout(() => rej(new Error('not idling by the deadline')), left);
          }),
        ]);
        sessions.push(s);
      } catch (err) {
        abandoned = true;
        failed++;
        if (errors.length < 5) errors.push(`session ${i}: ${(err as Error).message}`);
      } finally {
        clearTimeout(timer);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency ?? 100, o.count) }, worker));
  clearTimeout(deadline);
  failed += o.count - next; // never started: the deadline passed first
  return {
    sessions,
    held: sessions.length,
    asked: o.count,
    failed,
    errors,
    setupMs: performance.now() - started,
    async close() {
      for (const s of sessions) s.wire.destroy();
      // Let the servers see the closes before the next phase measures anything.
      await new Promise((r) => setTimeout(r, 1000));
    },
  };
}
