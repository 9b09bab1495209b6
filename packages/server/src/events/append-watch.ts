/**
 * `EventLog.onAppend`: tells listeners the newest readable position after
 * events are committed. In process, the database's event bell rings after
 * each event-writing commit (`store/event-bell.ts`) and the head is read
 * once per burst; on PostgreSQL, NOTIFY on `EVENTS_CHANNEL` (sent by the
 * committing transaction, delivered only if it commits) carries other
 * nodes' positions. Nothing is watched until the first listener comes.
 */
import { type Database, EVENTS_CHANNEL } from '../store/index.js';
import type { Logger } from '../telemetry/index.js';

export interface AppendWatchOptions {
  database: Database;
  head(): Promise<number>;
  log?: Logger;
}

export function createAppendWatch(options: AppendWatchOptions) {
  const { database, log } = options;
  const listeners = new Set<(position: number) => void>();
  let announced = 0;
  let reading: Promise<void> | undefined;
  let again = false;
  let stopBell: (() => void) | undefined;
  let listening: Promise<{ close(): Promise<void> } | undefined> | undefined;

  function announce(position: number): void {
    if (position <= announced) return;
    announced = position;
    for (const l of [...listeners]) {
      try {
        l(position);
      } catch (err) {
        log?.error({ err }, 'an event log listener failed');
      }
    }
  }

  /** Reads the head once per burst of rings: a ring during a read causes one more read. */
  function check(): void {
    if (reading) {
      again = true;
      return;
    }
    reading = options
      .head()
      .then(announce, (err: unknown) => log?.warn({ err }, 'could not read the event log head'))
      .finally(() => {
        reading = undefined;
        if (again) {
          again = false;
          check();
        }
      });
  }

  function start(): void {
    stopBell = database.bell.listen(check);
    listening = database
      .listen?.({
        channel: EVENTS_CHANNEL,
        onNotify: (payload) => {
          const position = Number(payload);
          if (Number.isSafeInteger(position)) announce(position);
        },
        // Notifications sent while the connection was down are lost: read the head instead.
        onListening: check,
        log,
      })
      .catch((err: unknown) => {
        log?.error({ err }, 'could not listen for other nodes’ events');
        return undefined;
      });
  }

  async function stop(): Promise<void> {
    stopBell?.();
    stopBell = undefined;
    const l = listening;
    listening = undefined;
    await (await l)?.close();
  }

  return {
    onAppend(listener: (position: number) => void): () => void {
      listeners.add(listener);
      if (listeners.size === 1 && !stopBell) start();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) void stop();
      };
    },
    close: stop,
  };
}
