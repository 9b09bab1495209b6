import { promises as dns } from 'node:dns';

/** Looks up a PTR name; resolves '' on failure or after `timeoutMs`, never rejects. */
export type ReverseLookup = (ip: string) => Promise<string>;

// A PTR answer is controlled by whoever owns the IP: only accept hostname-shaped values.
const HOSTNAME_RE =
  /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

/**
 * PTR lookups run beside the session, not before the greeting: the result
 * is only needed for the Received header at DATA time, and a slow resolver
 * must never stall a client (smtp-server would wait up to 1.5 s to greet).
 */
export function createReverseLookup(
  timeoutMs: number,
  reverse: (ip: string) => Promise<string[]> = (ip) => dns.reverse(ip),
): ReverseLookup {
  return async (ip) => {
    if (timeoutMs <= 0) return '';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(''), timeoutMs);
      timer.unref();
    });
    const lookup = reverse(ip)
      .then((names) => (names[0] && HOSTNAME_RE.test(names[0]) ? names[0] : ''))
      .catch(() => '');
    try {
      return await Promise.race([lookup, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}
