/**
 * The delivery committer's thread (SQLite only). better-sqlite3 is
 * synchronous: on the main thread, every statement, commit and checkpoint of
 * the delivery transaction would stop the SMTP sessions for its duration. Here
 * they run on a connection of their own, and the main thread only queues
 * deliveries and answers 250 when they come back durable. The protocol is in
 * `commit-thread.ts`, which starts this file.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { stdSerializers } from 'pino';
import type { Logger } from '../telemetry/index.js';
import { createBlobStore } from './blobs.js';
import { createCommitter } from './commit.js';
import {
  type CommitResult,
  type CommitThreadConfig,
  type FromCommitThread,
  serializeError,
  type ToCommitThread,
} from './commit-protocol.js';
import { openSqliteFile } from './db.js';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/**
 * Top-level Error values of a log record, serialized here as pino would: a structured clone keeps
 * an Error's message but drops the rest (a driver's `code`, its cause), and what arrives is no
 * longer seen as an Error.
 */
function cloneable(obj: unknown): unknown {
  if (!obj || typeof obj !== 'object') return obj;
  if (obj instanceof Error) return stdSerializers.err(obj);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = v instanceof Error ? stdSerializers.err(v) : v;
  return out;
}

/** A logger whose records go to the main thread's logger (one log stream, one redaction). */
function portLogger(port: MessagePort): Logger {
  const log: Record<string, unknown> = {};
  for (const level of LEVELS) {
    log[level] = (obj: unknown, msg?: string) => {
      const send: FromCommitThread = { type: 'log', level, obj: cloneable(obj), msg };
      port.postMessage(send);
    };
  }
  log.child = () => log;
  // The committer and blob store call only the level methods and child().
  return log as unknown as Logger;
}

function run(port: MessagePort, config: CommitThreadConfig): void {
  const log = portLogger(port);
  const database = openSqliteFile(config.file);
  const blobs = createBlobStore({ dir: config.blobDir, log, sweep: false });
  const committer = createCommitter({ database, blobs, maxBatch: config.maxBatch, ownConnection: true, log });
  const post = (message: FromCommitThread) => port.postMessage(message);

  port.on('message', (message: ToCommitThread) => {
    if (message.type === 'close') {
      committer
        .close()
        .then(() => database.close())
        .finally(() => post({ type: 'closed', stats: { ...committer.stats } }));
      return;
    }
    // One message carries what the main thread queued meanwhile: one batch here too, one answer back.
    const results = message.items.map(({ id, input }): Promise<CommitResult> => {
      // Structured clone turns a Buffer into a plain Uint8Array; view it as a Buffer again, without a copy.
      const data = input.blob.data;
      if (data) input.blob.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      return committer.submit(input).then(
        ({ placed }) => ({ id, placed }),
        (error: unknown) => ({ id, error: serializeError(error) }),
      );
    });
    Promise.all(results).then((settled) =>
      post({ type: 'settled', results: settled, stats: { ...committer.stats } }),
    );
  });
  post({ type: 'ready' });
}

if (parentPort) run(parentPort, workerData as CommitThreadConfig);
