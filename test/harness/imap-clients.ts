import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import { RawImap } from './imap-raw.js';
import type { TestServer } from './server.js';

/** How an IMAP client reaches the server: plaintext (loopback only), STARTTLS, or implicit TLS. */
export type ImapSecurity = 'plain' | 'starttls' | 'tls';

/** An imapflow client logged in as `user` (the test certificate is self-signed). */
export async function imapflow(
  server: TestServer,
  user: string,
  pass: string,
  security: ImapSecurity = 'starttls',
): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: security === 'tls' ? server.imapsPort : server.imapPort,
    secure: security === 'tls',
    doSTARTTLS: security === 'starttls' ? true : security === 'plain' ? false : undefined,
    auth: { user, pass },
    tls: { rejectUnauthorized: false },
    logger: false,
    // IDLE soon after a command, not imapflow's default 15 s: tests wait for pushed updates.
    autoIdleDelay: 100,
  });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** A raw IMAP client, greeting read, logged in as `user` when given (plaintext from loopback). */
export async function rawImap(
  server: TestServer,
  login?: { user: string; pass: string },
  options: { localAddress?: string; tls?: boolean } = {},
): Promise<RawImap> {
  const raw = await RawImap.connect(options.tls ? server.imapsPort : server.imapPort, options);
  const greeting = await raw.line();
  if (!greeting.startsWith('* OK ')) throw new Error(`unexpected greeting ${greeting}`);
  if (login) {
    const answer = await raw.command('L', `LOGIN "${login.user}" "${login.pass}"`);
    if (!answer.status.startsWith('L OK')) throw new Error(`login failed: ${answer.status}`);
  }
  return raw;
}

/** The Python client (`python3 clients/imaplib_session.py SPEC`). */
const IMAPLIB_CLIENT = join(dirname(fileURLToPath(import.meta.url)), '../clients/imaplib_session.py');

/** One step of an imaplib session: `['select', 'INBOX']`, `['append', 'INBOX', '(\\Seen)', 'base64…']` … */
export type ImaplibStep = [string, ...(string | number | null)[]];

/** A step's outcome: imaplib's `(typ, data)` as text, or the error it raised. */
export type ImaplibOutcome = { ok: true; typ: string; data: string[] } | { ok: false; error: string };

/**
 * Runs one session with Python's imaplib against 127.0.0.1:`port`; one
 * outcome per step (the first is the greeting's capabilities). `security`:
 * `ssl` is IMAPS; `starttls` upgrades first.
 */
export async function imaplib(
  port: number,
  steps: ImaplibStep[],
  security: 'plain' | 'starttls' | 'ssl' = 'plain',
): Promise<ImaplibOutcome[]> {
  const spec = JSON.stringify({ host: '127.0.0.1', port, security, steps });
  const { stdout } = await promisify(execFile)('python3', [IMAPLIB_CLIENT, spec], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as ImaplibOutcome[];
}
