import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** The lowest port of the kernel's ephemeral range: where `listen(0)` and outgoing connections take theirs. */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (low > 0) return low;
  } catch {
    // not Linux: the IANA dynamic range
  }
  return 49152;
}

/** Binds the port on 127.0.0.1 and frees it again; false if something holds it. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') resolve(false);
      else reject(err);
    });
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/**
 * A TCP port on 127.0.0.1 that is free now and that nothing else will be
 * handed before the caller binds it. For servers that must know each other's
 * URLs before either starts (an IdP registers jdmail's callback URL) and for
 * servers that cannot listen on port 0 (slapd, PostgreSQL); everything else
 * listens on port 0.
 *
 * The port is drawn from below the kernel's ephemeral range. A port from
 * inside it (what `listen(0)` returns) can be taken between the check and
 * the server's bind by any other test's `listen(0)` or outgoing connection;
 * a port below it only by another explicit bind, and the random draw makes
 * that as unlikely as two workers drawing the same one of ~20,000 numbers.
 */
export async function freePort(): Promise<number> {
  const low = ephemeralLow();
  const first = 10_000;
  if (low - first >= 1_000) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const port = first + Math.floor(Math.random() * (low - first));
      if (await isFree(port)) return port;
    }
  }
  // No room below the ephemeral range: a port the kernel picks, free a moment ago.
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
