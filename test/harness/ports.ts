import { createServer } from 'node:net';

/**
 * A TCP port free on 127.0.0.1 right now. For servers that must know each
 * other's URLs before either starts (an IdP registers jdmail's callback
 * URL); everything else listens on port 0.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
