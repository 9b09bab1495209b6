import type { Logger } from '../../telemetry/index.js';
import type { AuthMethod, ClientInfo, RevokeReason, SessionChannel } from '../types.js';
import type { SessionRegistry } from './registry.js';

/** Why a connection's session ended: a revocation's reason, or `ended` when its row was found gone. */
export type ConnectionEndReason = RevokeReason | 'ended';

/** A connection's session; close it when the connection closes. */
export interface ConnectionSession {
  readonly id: string;
  /** The connection is gone: its session ends (`logout`), unless it ended already. */
  close(): Promise<void>;
}

/**
 * Signed-in protocol connections (IMAP, POP3) as sessions of the registry:
 * listed with the user's sessions, and ended within seconds, wherever the
 * end comes from — an admin's "end sessions" in this process (at once, by
 * the revocation listener) or on another node or by the CLI (row gone), a
 * disabled account or a changed password (both found by the periodic
 * {@link SessionRegistry.checkLive}, one query for all connections).
 */
export interface ConnectionSessions {
  /**
   * Registers a signed-in connection. `onEnd` is called at most once, when
   * the session is ended other than by `close()`. Throws USER_DISABLED.
   */
  open(
    input: {
      userId: string;
      channel: Exclude<SessionChannel, 'web'>;
      client: ClientInfo;
      method?: AuthMethod;
    },
    onEnd: (reason: ConnectionEndReason) => void,
  ): Promise<ConnectionSession>;
  /** Stops watching (server shutdown). */
  stop(): void;
}

export interface ConnectionSessionsOptions {
  registry: SessionRegistry;
  log: Logger;
  /** How often the open sessions are checked; default 2 s. */
  checkMs?: number;
}

export function createConnectionSessions(options: ConnectionSessionsOptions): ConnectionSessions {
  const { registry, log } = options;
  const open = new Map<string, (reason: ConnectionEndReason) => void>();

  const end = (id: string, reason: ConnectionEndReason) => {
    const onEnd = open.get(id);
    if (!onEnd) return;
    open.delete(id);
    try {
      onEnd(reason);
    } catch (err) {
      log.error({ err }, 'a connection could not be ended');
    }
  };
  const unsubscribe = registry.onRevoked((event) => {
    for (const s of event.sessions) end(s.id, event.reason);
  });

  let checking = false;
  const check = async () => {
    if (checking || open.size === 0) return;
    checking = true;
    try {
      const ids = [...open.keys()];
      const live = await registry.checkLive(ids);
      for (const id of ids) if (!live.has(id)) end(id, 'ended');
    } catch (err) {
      log.warn({ err }, 'connection sessions could not be checked; trying again');
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(() => void check(), options.checkMs ?? 2000);
  timer.unref();

  return {
    async open(input, onEnd) {
      const { session } = await registry.create({
        userId: input.userId,
        method: input.method ?? 'password',
        channel: input.channel,
        client: input.client,
      });
      open.set(session.id, onEnd);
      return {
        id: session.id,
        async close() {
          if (!open.delete(session.id)) return;
          await registry.revoke(session.id, 'logout').catch((err: unknown) => {
            log.warn({ err, session: session.id }, 'a closed connection’s session could not be ended');
          });
        },
      };
    },
    stop() {
      clearInterval(timer);
      unsubscribe();
    },
  };
}
