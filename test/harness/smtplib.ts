import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The Python client the e2e tests send with (`python3 clients/smtplib_send.py …`). */
export const SMTPLIB_CLIENT = join(dirname(fileURLToPath(import.meta.url)), '../clients/smtplib_send.py');

export interface SmtplibResult {
  ok: boolean;
  refused?: Record<string, unknown>;
  code?: number;
  message?: string;
}

/**
 * Sends one message to 127.0.0.1:`port` with Python's smtplib, a real client the server did not
 * write. `flags`: `--starttls`, `--login <user> <password>`, and the rest the script takes.
 */
export async function smtplib(
  port: number,
  from: string,
  to: string,
  subject: string,
  ...flags: string[]
): Promise<SmtplibResult> {
  const { stdout } = await promisify(execFile)('python3', [
    SMTPLIB_CLIENT,
    '127.0.0.1',
    String(port),
    from,
    to,
    subject,
    ...flags,
  ]);
  return JSON.parse(stdout) as SmtplibResult;
}
