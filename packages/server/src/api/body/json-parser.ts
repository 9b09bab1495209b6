import { Worker } from 'node:worker_threads';
import { AppError } from '../../shared/index.js';
import type { Logger } from '../../telemetry/index.js';
import type { FromJsonThread, ToJsonThread } from './json-protocol.js';
import { parseJsonBody } from './parse-json.js';

/**
 * Bodies up to this size are parsed on the event loop (well under a
 * millisecond); larger ones on the parser thread, so that no request body,
 * however large, holds up the SMTP sessions sharing the loop.
 */
export const THREAD_THRESHOLD_BYTES = 256 * 1024;

export interface JsonBodyParser {
  /** The body's value; rejects with the AppError the client should see. */
  parse(body: Buffer): Promise<unknown>;
  /** Ends the parser thread (the app's onClose). */
  close(): Promise<void>;
}

interface Waiter {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * Starts `json-worker`. From the built package that is a plain module; from
 * the TypeScript sources (the test suite) the thread first registers tsx,
 * the loader the tests run under, since a worker does not inherit it.
 */
function spawn(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./json-worker.js', here));
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./json-worker.ts', here).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true });
}

/**
 * The API's JSON body parser: small bodies inline, large ones on one parser
 * thread, started with the first large body and kept (unref'd) after. Its
 * answer is small to copy back, whatever was sent: the value budget refuses a
 * body of a million keys before it is parsed. If the thread dies, the bodies
 * it held are refused (INTERNAL) and the next large body starts a new one.
 */
export function createJsonBodyParser(options: { log?: Logger; threshold?: number } = {}): JsonBodyParser {
  const threshold = options.threshold ?? THREAD_THRESHOLD_BYTES;
  const waiting = new Map<number, Waiter>();
  let worker: Worker | undefined;
  let nextId = 1;

  function start(): Worker {
    const w = spawn();
    w.unref();
    w.on('message', (answer: FromJsonThread) => {
      const waiter = waiting.get(answer.id);
      waiting.delete(answer.id);
      if (answer.ok) waiter?.resolve(answer.value);
      else waiter?.reject(new AppError(answer.code, answer.message));
    });
    w.on('error', (err) => options.log?.error({ err }, 'JSON parser thread failed'));
    w.on('exit', () => {
      if (worker === w) worker = undefined;
      for (const waiter of waiting.values()) waiter.reject(new AppError('INTERNAL'));
      waiting.clear();
    });
    return w;
  }

  return {
    parse(body) {
      if (body.length <= threshold) {
        try {
          return Promise.resolve(parseJsonBody(body));
        } catch (err) {
          return Promise.reject(err);
        }
      }
      worker ??= start();
      const id = nextId++;
      // Moved, not copied: fastify made this buffer for the body alone; a view into shared memory is copied first.
      const own =
        body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? body : Buffer.from(body);
      const message: ToJsonThread = { id, body: own };
      const done = new Promise<unknown>((resolve, reject) => waiting.set(id, { resolve, reject }));
      worker.postMessage(message, [own.buffer as ArrayBuffer]);
      return done;
    },
    async close() {
      const w = worker;
      worker = undefined;
      if (w) await w.terminate();
    },
  };
}
