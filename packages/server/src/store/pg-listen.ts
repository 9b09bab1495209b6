/**
 * LISTEN on a PostgreSQL channel over a connection of its own (a pooled one
 * would be handed to queries and lose its LISTEN). If the connection drops
 * (a restart, a failover) it reconnects with backoff and says so, since
 * notifications sent meanwhile are lost: the listener catches up by reading.
 */
import type { Logger } from '../telemetry/index.js';

export interface Listening {
  close(): Promise<void>;
}

export interface ListenOptions {
  url: string;
  channel: string;
  /** Each notification's payload. */
  onNotify(payload: string): void;
  /** After the LISTEN is (re)established: anything sent before may have been missed. */
  onListening?(): void;
  log?: Logger;
}

const MAX_BACKOFF_MS = 30_000;

export async function listenPostgres(options: ListenOptions): Promise<Listening> {
  const { default: pg } = await import('pg');
  let closed = false;
  let client: InstanceType<typeof pg.Client> | undefined;
  let retry: NodeJS.Timeout | undefined;
  let backoff = 500;

  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString: options.url });
    client = c;
    c.on('notification', (n) => {
      if (n.channel === options.channel) options.onNotify(n.payload ?? '');
    });
    c.on('error', (err) => {
      options.log?.warn({ err }, 'event notification connection failed; reconnecting');
      reconnect(c);
    });
    c.on('end', () => reconnect(c));
    try {
      await c.connect();
      // The channel is a fixed identifier of ours, not input.
      await c.query(`LISTEN ${options.channel}`);
      backoff = 500;
      options.onListening?.();
    } catch (err) {
      options.log?.warn({ err }, 'could not listen for event notifications; retrying');
      reconnect(c);
    }
  }

  function reconnect(c: InstanceType<typeof pg.Client>): void {
    if (closed || client !== c || retry) return;
    client = undefined;
    c.end().catch(() => {});
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, backoff);
    retry.unref();
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
  }

  await connect();
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = undefined;
      await c?.end().catch(() => {});
    },
  };
}
