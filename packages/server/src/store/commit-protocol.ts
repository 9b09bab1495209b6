/** Messages between the main thread and the delivery committer's thread (`commit-thread.ts`, `commit-worker.ts`). */
import { AppError, codeChain, type ErrorCode, isAppError } from '../shared/index.js';
import type { CommitStats } from './commit.js';
import type { DeliveryInput, Placed } from './types.js';

/** What the committer thread is started with (`workerData`). */
export interface CommitThreadConfig {
  /** The SQLite database file; the schema is already migrated by the main thread. */
  file: string;
  /** The body file root, `<dataDir>/blobs`. */
  blobDir: string;
  maxBatch: number;
}

export type ToCommitThread =
  | { type: 'submit'; items: Array<{ id: number; input: DeliveryInput }> }
  | { type: 'close' };

/** An error as it crosses threads: an AppError keeps its code and extra; anything else becomes INTERNAL. */
export interface SerializedError {
  code: ErrorCode;
  message: string;
  extra?: Record<string, unknown>;
  /**
   * The code of the driver or system error underneath (`SQLITE_FULL`, `ENOSPC`), so the edge can
   * still tell a full disk from other failures. Only the code crosses; the error itself is logged
   * by the committer's thread.
   */
  causeCode?: string;
}

/** The outcome of one delivery of a `submit` message. */
export type CommitResult = { id: number; placed: Placed[] } | { id: number; error: SerializedError };

export type FromCommitThread =
  | { type: 'ready' }
  /** Every delivery of one `submit` message, once all are settled: one message back per batch. */
  | { type: 'settled'; results: CommitResult[]; stats: CommitStats }
  | {
      type: 'log';
      level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
      obj: unknown;
      msg?: string;
    }
  | { type: 'closed'; stats: CommitStats };

export function serializeError(error: unknown): SerializedError {
  // An AppError's own code travels as `code`; a raw error's is the one to keep.
  const causeCode = codeChain(error).slice(isAppError(error) ? 1 : 0)[0];
  const out: SerializedError = isAppError(error)
    ? { code: error.code, message: error.message, extra: error.extra }
    : // The committer translates driver errors before rejecting; this is the fallback.
      { code: 'INTERNAL', message: 'delivery could not be committed' };
  if (causeCode) out.causeCode = causeCode;
  return out;
}

export function deserializeError(error: SerializedError): AppError {
  const e = new AppError(error.code, error.message, error.extra);
  if (error.causeCode) {
    e.cause = Object.assign(new Error(`${error.causeCode} in the delivery committer's thread`), {
      code: error.causeCode,
    });
  }
  return e;
}
