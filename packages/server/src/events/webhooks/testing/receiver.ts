/**
 * A webhook receiver for tests: a real HTTP server on 127.0.0.1 that checks
 * each delivery's signature with the `standardwebhooks` package itself (not
 * our code) and answers as the test says (2xx, an error, or never).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Delivery {
  id: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The parsed CloudEvent, when a secret verified it. */
  event: Record<string, unknown> | null;
  /** Which of the receiver's secrets verified it. */
  verifiedWith: string[];
  /** What the receiver answered (null: it never answered). */
  answered: number | null;
}

export type Answer = number | 'hang';

export interface Receiver {
  url: string;
  deliveries: Delivery[];
  /** Deliveries answered 2xx, in order. */
  accepted(): Delivery[];
  secrets: string[];
  answer: (d: Delivery, n: number) => Answer;
  close(): Promise<void>;
}

export async function startReceiver(secrets: string[] = [], path = '/hook'): Promise<Receiver> {
  const hanging = new Set<() => void>();
  const receiver: Receiver = {
    url: '',
    deliveries: [],
    accepted: () => receiver.deliveries.filter((d) => d.answered !== null && d.answered < 300),
    secrets,
    answer: () => 204,
    close: async () => {
      for (const release of hanging) release();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = req.headers;
      const verifiedWith = receiver.secrets.filter((s) => {
        try {
          new Webhook(s).verify(body, headers as Record<string, string>);
          return true;
        } catch {
          return false;
        }
      });
      const d: Delivery = {
        id: String(headers['webhook-id']),
        headers,
        body,
        event: verifiedWith.length > 0 ? (JSON.parse(body) as Record<string, unknown>) : null,
        verifiedWith,
        answered: null,
      };
      receiver.deliveries.push(d);
      const a = receiver.answer(d, receiver.deliveries.length);
      if (a === 'hang') {
        const release = () => res.destroy();
        hanging.add(release);
        return;
      }
      // A receiver that cannot verify refuses, as a real one would.
      const status = verifiedWith.length === 0 ? 401 : a;
      d.answered = status;
      res.writeHead(status).end(status >= 300 ? 'no thanks' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return receiver;
}
