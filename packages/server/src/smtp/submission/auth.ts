import type {
  SMTPServerAuthentication,
  SMTPServerAuthenticationResponse,
  SMTPServerSession,
} from 'smtp-server';
import type { Directory } from '../../directory/index.js';
import { normalizeAddress } from '../../shared/index.js';
import { smtpError, toSmtpError } from '../errors.js';

/** Failed-login slowdown: each failure for an account or IP adds delay, capped. */
export interface LoginThrottle {
  /** Milliseconds to wait before answering this attempt. */
  delayFor(keys: string[]): number;
  fail(keys: string[]): void;
  succeed(keys: string[]): void;
}

const WINDOW_MS = 15 * 60_000;
const MAX_DELAY_MS = 8_000;

/**
 * Grows the answer delay with recent failures (250 ms doubling, capped at
 * 8 s) per account and per IP. It slows guessing without ever locking out a
 * real user: a correct password after the delay still works.
 */
export function createLoginThrottle(now: () => number = Date.now): LoginThrottle {
  const failures = new Map<string, { n: number; at: number }>();
  const count = (k: string) => {
    const f = failures.get(k);
    if (!f || now() - f.at > WINDOW_MS) return 0;
    return f.n;
  };
  return {
    delayFor: (keys) => {
      const n = Math.max(0, ...keys.map(count));
      return n === 0 ? 0 : Math.min(MAX_DELAY_MS, 250 * 2 ** (n - 1));
    },
    fail: (keys) => {
      if (failures.size > 100_000) failures.clear(); // bound memory under a flood
      for (const k of keys) failures.set(k, { n: count(k) + 1, at: now() });
    },
    succeed: (keys) => {
      for (const k of keys) if (!k.startsWith('ip:')) failures.delete(k);
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** AUTH PLAIN/LOGIN against the directory (RFC 4954). */
export function createAuthHandler(directory: Directory, throttle: LoginThrottle) {
  return async (
    auth: SMTPServerAuthentication,
    session: SMTPServerSession,
  ): Promise<SMTPServerAuthenticationResponse> => {
    const username = normalizeAddress(auth.username ?? '');
    const keys = [`user:${username}`, `ip:${session.remoteAddress}`];
    const wait = throttle.delayFor(keys);
    if (wait > 0) await sleep(wait);
    let user: Awaited<ReturnType<Directory['authenticate']>>;
    try {
      user = await directory.authenticate(username, auth.password ?? '');
    } catch (err) {
      throw toSmtpError(err); // directory unreachable → 454 4.7.0, never "wrong password"
    }
    if (!user) {
      throttle.fail(keys);
      throw smtpError(535, '5.7.8 Authentication credentials invalid');
    }
    throttle.succeed(keys);
    return { user: user.id };
  };
}
