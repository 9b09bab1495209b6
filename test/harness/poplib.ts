import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The Python client the POP3 e2e tests read mail with (`python3 clients/poplib_session.py SPEC`). */
const POPLIB_CLIENT = join(dirname(fileURLToPath(import.meta.url)), '../clients/poplib_session.py');

/** One step of a poplib session: `['retr', 1]`, `['user', 'alice@example.com']` … */
export type PoplibStep = [string, ...(string | number)[]];

/** A step's outcome: poplib's answer, or the `-ERR` line it raised for. */
export type PoplibOutcome = { ok: true; result: unknown } | { ok: false; error: string };

/**
 * Runs one POP3 session with Python's poplib against 127.0.0.1:`port`; the
 * first outcome is the greeting, then one per step (a step after `quit` or
 * `drop` is not run). `security: 'ssl'` is POP3S; STLS is a step.
 */
export async function poplib(
  port: number,
  steps: PoplibStep[],
  security: 'plain' | 'ssl' = 'plain',
): Promise<PoplibOutcome[]> {
  const spec = JSON.stringify({ host: '127.0.0.1', port, security, steps });
  const { stdout } = await promisify(execFile)('python3', [POPLIB_CLIENT, spec], {
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(stdout) as PoplibOutcome[];
}

/** The result of a step that must have succeeded. */
export function resultOf<T = unknown>(outcome: PoplibOutcome | undefined): T {
  if (!outcome?.ok) throw new Error(`POP3 step failed: ${JSON.stringify(outcome)}`);
  return outcome.result as T;
}

/** The bytes of a `retr` or `top` result. */
export const bodyOf = (outcome: PoplibOutcome | undefined): Buffer =>
  Buffer.from(resultOf<{ body: string }>(outcome).body, 'base64');
