import type { Logger } from 'pino';
import type { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import { type AddressList, type ConnectionLimiter, RecordDeadline } from '../limits/index.js';

/**
 * What a listener enforces on its clients besides smtp-server's own limits:
 * connections per client, the per-record deadline with a minimum data rate,
 * and the session's age. Built from `smtp.*` settings by the listener.
 */
export interface ListenerLimits {
  /** Per-client connection count of this listener (`smtp.maxConnectionsPerIp`, `smtp.limitsExempt`). */
  connections: ConnectionLimiter;
  /** `smtp.commandTimeoutMs`: time for one record (command line, TLS handshake, pause in DATA). */
  commandTimeoutMs: number;
  /** `smtp.minDataRate`, bytes/s. */
  minDataRate: number;
  /** `smtp.maxSessionMs`; 0 = none. */
  maxSessionMs: number;
  /** `smtp.proxyProtocol`: peers whose PROXY v1 header names the client that the limits count. */
  trustedProxies: AddressList;
  log: Logger;
}

/** How often sessions are checked: a quarter of the record deadline, so a cut comes close to it; at most 1 s. */
export const checkIntervalMs = (limits: ListenerLimits): number =>
  Math.max(50, Math.min(1000, Math.floor(limits.commandTimeoutMs / 4)));

/**
 * Whether the client owes input: a command line it has begun, message data
 * (DATA), or a STARTTLS handshake. False while the server itself works (a
 * handler runs, received data waits to be processed or stored): our own delay
 * must never count against a client.
 */
export function owesInput(c: SMTPConnection): boolean {
  const parser = c._parser;
  if (!parser || c._closing || c._closed) return false;
  if (c._upgrading) return true;
  if (c._handlerPending || parser.writableLength > 0) return false;
  return parser._dataMode || parser._remainder.length > 0;
}

/** Whether the session waits for a new command: none begun, outside DATA, nothing in the works. */
export function awaitingCommand(c: SMTPConnection): boolean {
  const parser = c._parser;
  return (
    !!parser &&
    !c._closing &&
    !c._upgrading &&
    !c._handlerPending &&
    parser.writableLength === 0 &&
    !parser._dataMode &&
    !c._dataStream &&
    parser._remainder.length === 0
  );
}

/** Why a session is cut off: input too slow (421 4.4.2), or too old between commands (421 4.4.2). */
export type CutOff = 'too-slow' | 'too-long';

/**
 * One session's deadlines, checked by its listener every {@link checkIntervalMs}.
 * The connection adds every byte it hands its parser to `bytesIn`.
 */
export class SessionDeadlines {
  bytesIn = 0;
  private bytesSeen = 0;
  private lastCheck: number;
  private readonly startedAt: number;
  private readonly record: RecordDeadline;

  constructor(
    private readonly limits: ListenerLimits,
    now: number,
  ) {
    this.startedAt = now;
    this.lastCheck = now;
    this.record = new RecordDeadline({
      timeoutMs: limits.commandTimeoutMs,
      minBytesPerSecond: limits.minDataRate,
    });
  }

  /** Advances to `now`; says why the session must end, if it must. */
  check(c: SMTPConnection, now: number): CutOff | undefined {
    const bytes = this.bytesIn - this.bytesSeen;
    this.bytesSeen = this.bytesIn;
    const elapsed = now - this.lastCheck;
    this.lastCheck = now;
    if (!this.record.advance(elapsed, bytes, owesInput(c))) return 'too-slow';
    const { maxSessionMs } = this.limits;
    if (maxSessionMs > 0 && now - this.startedAt > maxSessionMs && awaitingCommand(c)) return 'too-long';
    return undefined;
  }
}
