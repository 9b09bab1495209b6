import type { ErrorCode } from '../../shared/index.js';

/** A body for the JSON parser thread: its bytes, moved (not copied) to the thread. */
export interface ToJsonThread {
  id: number;
  body: Uint8Array;
}

/** The thread's answer: the parsed value, or the AppError parsing raised. */
export type FromJsonThread =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; code: ErrorCode; message: string };
