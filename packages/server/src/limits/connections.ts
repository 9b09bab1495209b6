import { type AddressList, clientKey, parseAddressList } from './address-list.js';

/** One admitted connection; `release()` when it closes (more calls do nothing). */
export interface ConnectionLease {
  /** The key the connection is counted under (see {@link clientKey}). */
  readonly key: string;
  release(): void;
}

export interface ConnectionLimiterOptions {
  /** Most connections open at once from one client (one IPv4 address, one IPv6 network); 0 = no limit. */
  maxPerClient: number;
  /** Clients never limited (an internal relay, a NAT gateway of many users): an {@link AddressList} or its text. */
  exempt?: AddressList | string;
  /** Bits of an IPv6 address that name one client (default 64: a host can pick any address of its /64). */
  ipv6PrefixLength?: number;
}

/**
 * Counts the open connections of each client of one listener and refuses those
 * over the limit, as Postfix's `smtpd_client_connection_count_limit` does (its
 * default, 50, is ours). Listener-agnostic: SMTP, IMAP and POP3 each keep one.
 */
export interface ConnectionLimiter {
  /**
   * Admits a connection from `address`: a lease to release when it closes, or
   * null when the client already holds `maxPerClient` connections.
   */
  acquire(address: string): ConnectionLease | null;
  /** Open connections counted for the client of `address`. */
  count(address: string): number;
  /** Clients with at least one counted connection. */
  readonly clients: number;
}

/** Creates a {@link ConnectionLimiter}; state lives in the returned object only. */
export function createConnectionLimiter(options: ConnectionLimiterOptions): ConnectionLimiter {
  const exempt = typeof options.exempt === 'string' ? parseAddressList(options.exempt) : options.exempt;
  const prefix = options.ipv6PrefixLength ?? 64;
  const open = new Map<string, number>();
  const free: ConnectionLease = { key: '', release: () => {} };

  return {
    acquire(address) {
      if (options.maxPerClient <= 0 || exempt?.has(address)) return free;
      const key = clientKey(address, prefix);
      const n = open.get(key) ?? 0;
      if (n >= options.maxPerClient) return null;
      open.set(key, n + 1);
      let released = false;
      return {
        key,
        release() {
          if (released) return;
          released = true;
          const left = (open.get(key) ?? 1) - 1;
          if (left > 0) open.set(key, left);
          else open.delete(key);
        },
      };
    },
    count: (address) => open.get(clientKey(address, prefix)) ?? 0,
    get clients() {
      return open.size;
    },
  };
}
