import { parentPort } from 'node:worker_threads';
import { isAppError } from '../../shared/index.js';
import type { FromJsonThread, ToJsonThread } from './json-protocol.js';
import { parseJsonBody } from './parse-json.js';

// The JSON parser thread (see json-parser.ts): parses the bodies posted to it,
// one at a time, and answers each with its value or the AppError it raised.
const port = parentPort;
if (!port) throw new Error('json-worker runs as a worker thread');
port.on('message', ({ id, body }: ToJsonThread) => {
  let answer: FromJsonThread;
  try {
    const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    answer = { id, ok: true, value: parseJsonBody(bytes) };
  } catch (err) {
    answer = isAppError(err)
      ? { id, ok: false, code: err.code, message: err.message }
      : { id, ok: false, code: 'BAD_REQUEST', message: 'The request body is not valid JSON' };
  }
  port.postMessage(answer);
});
