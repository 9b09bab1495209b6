import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The script that drives Python's imaplib and poplib (see its docstring for the step format). */
export const PY_MAIL_SESSION = join(dirname(fileURLToPath(import.meta.url)), '../clients/py_mail_session.py');

/** Where a Python client connects. */
export interface PyTarget {
  /** Default 127.0.0.1. */
  host?: string;
  port: number;
  /** `implicit` (IMAP4_SSL / POP3_SSL) or `starttls` (STARTTLS / STLS right after the greeting). */
  tls?: 'implicit' | 'starttls' | false;
  /** PEM CA the certificate must chain to; without it the certificate is not checked. */
  caFile?: string;
}

/**
 * One call of an imaplib.IMAP4 or poplib.POP3 method, e.g. `{ call: 'select', args: ['INBOX'] }`;
 * argument helpers: {@link bytesArg}, {@link mutf7Arg}. `save` writes the exact bytes (poplib
 * `retr`/`top`: the message; imaplib: each literal to `<save>.<n>`). IMAP `idle` waits `timeout`
 * seconds for an untagged line containing `until`.
 */
export interface PyStep {
  call: string;
  args?: unknown[];
  /** imaplib: bytes sent as a literal after the last argument (`M.literal`), e.g. a UTF-8 search key. */
  literal?: unknown;
  save?: string;
  until?: string;
  timeout?: number;
}

/** What one step returned: imaplib's `(typ, data)`, poplib's response, or the exception it raised. */
export interface PyResult {
  call: string;
  typ?: string;
  data?: unknown;
  /** poplib `retr`/`top`: the octets poplib counted and the size of the bytes rebuilt with CRLF. */
  octets?: number;
  size?: number;
  /** imaplib `idle`: the tagged line. */
  tagged?: string;
  /** imaplib with `save`: how many literals were written. */
  saved?: number;
  /** The exception's text, e.g. `LOGIN failed` or `-ERR [AUTH] Authentication failed.` */
  error?: string;
  kind?: string;
}

export interface PySession {
  welcome: string;
  /** imaplib's capability list at the end of the session (IMAP only). */
  capabilities?: string[];
  results: PyResult[];
}

/** A bytes argument: a message to APPEND, say. */
export const bytesArg = (data: string | Buffer) => ({ b64: Buffer.from(data).toString('base64') });
/** A mailbox name in modified UTF-7 (quoted with `quote`), as imaplib expects it given. */
export const mutf7Arg = (name: string, quote = true) => ({ mutf7: name, quote });

function run(protocol: 'imap' | 'pop3', t: PyTarget, steps: PyStep[]): Promise<PySession> {
  const args = [PY_MAIL_SESSION, protocol, t.host ?? '127.0.0.1', String(t.port)];
  if (t.tls === 'implicit') args.push('--ssl');
  if (t.tls === 'starttls') args.push('--starttls');
  if (t.caFile) args.push('--cafile', t.caFile);
  return new Promise((res, rej) => {
    const child = execFile(
      'python3',
      args,
      { timeout: 120_000, maxBuffer: 256 << 20 },
      (err, stdout, stderr) => {
        if (err) rej(new Error(`python3 ${protocol} session failed: ${stderr || err.message}`));
        else res(JSON.parse(stdout) as PySession);
      },
    );
    child.stdin?.end(JSON.stringify(steps));
  });
}

/** Runs steps through Python's imaplib (a client jdmail did not write). Rejects if the session breaks. */
export function imaplibSession(t: PyTarget, steps: PyStep[]): Promise<PySession> {
  return run('imap', t, steps);
}

/** Runs steps through Python's poplib. */
export function poplibSession(t: PyTarget, steps: PyStep[]): Promise<PySession> {
  return run('pop3', t, steps);
}
