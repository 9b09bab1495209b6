import { execFile } from 'node:child_process';
import { chmod, chown, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * getmail6, a real fetch-mail client, retrieving over POP3 (as "leave on
 * server" users do: it remembers each UIDL and fetches only new ones) or IMAP
 * into a local Maildir. It adds no header of its own here (`delivered_to` and
 * `received` off), so what lands on disk is what the server sent.
 */
export interface GetmailOptions {
  /** Default `localhost` (with TLS the certificate is checked against it). */
  host?: string;
  port: number;
  user: string;
  password: string;
  protocol: 'pop3' | 'imap';
  /** Implicit TLS (POP3S / IMAPS). getmail6 has no STARTTLS/STLS: without it, plaintext on loopback. */
  ssl?: boolean;
  /** PEM CA to check the server's certificate against (with `ssl`). */
  caFile?: string;
  /** Working directory: `<dir>/getmailrc`, getmail's state (`oldmail-*`) and the Maildir `<dir>/maildir`. */
  dir: string;
  /** IMAP folders to fetch from (UTF-8 names; default INBOX). */
  mailboxes?: string[];
}

export interface GetmailRun {
  /** Messages retrieved in this run (getmail's own count). */
  retrieved: number;
  /** Messages it left alone because it had seen them before. */
  skipped: number;
  output: string;
}

export interface Getmail {
  maildir: string;
  /**
   * One getmail run. `readAll` false (default) fetches only messages it has not seen (by UIDL or
   * UID); `delete` removes them from the server after fetching.
   */
  run(o?: { readAll?: boolean; delete?: boolean }): Promise<GetmailRun>;
  /** The messages in the local Maildir, in file-name (arrival) order. */
  messages(): Promise<Buffer[]>;
}

function rc(o: GetmailOptions, maildir: string): string {
  const kind = `Simple${o.protocol === 'pop3' ? 'POP3' : 'IMAP'}${o.ssl ? 'SSL' : ''}Retriever`;
  // getmail6 encodes the names to modified UTF-7 itself: give them in UTF-8.
  const boxes = (o.mailboxes ?? ['INBOX']).map((m) => JSON.stringify(m)).join(', ');
  return [
    '[retriever]',
    `type = ${kind}`,
    `server = ${o.host ?? 'localhost'}`,
    `port = ${o.port}`,
    `username = ${o.user}`,
    `password = ${o.password}`,
    ...(o.ssl && o.caFile ? [`ca_certs = ${o.caFile}`] : []),
    ...(o.protocol === 'imap' ? [`mailboxes = (${boxes},)`] : []),
    '',
    '[destination]',
    'type = Maildir',
    `path = ${maildir}/`,
    // getmail refuses to deliver as root: as root, it delivers as nobody (who owns the Maildir).
    ...(process.getuid?.() === 0 ? ['user = nobody'] : []),
    '',
    '[options]',
    'verbose = 2',
    'delivered_to = false',
    'received = false',
    '',
  ].join('\n');
}

/** uid and gid of a system user, from `id`. */
function idOf(user: string): Promise<{ uid: number; gid: number }> {
  const id = (flag: string) =>
    new Promise<number>((res, rej) =>
      execFile('id', [flag, user], (err, out) => (err ? rej(err) : res(Number(String(out).trim())))),
    );
  return Promise.all([id('-u'), id('-g')]).then(([uid, gid]) => ({ uid, gid }));
}

/** Writes getmail's config and an empty Maildir; nothing runs until `run()`. */
export async function setupGetmail(o: GetmailOptions): Promise<Getmail> {
  const maildir = join(o.dir, 'maildir');
  for (const sub of ['cur', 'new', 'tmp']) await mkdir(join(maildir, sub), { recursive: true });
  if (process.getuid?.() === 0) {
    const nobody = await idOf('nobody');
    await chmod(o.dir, 0o755);
    for (const d of [maildir, ...['cur', 'new', 'tmp'].map((s) => join(maildir, s))])
      await chown(d, nobody.uid, nobody.gid);
  }
  const rcfile = join(o.dir, 'getmailrc');
  await writeFile(rcfile, rc(o, maildir), { mode: 0o600 });
  return {
    maildir,
    run: (r = {}) =>
      new Promise((res, rej) => {
        const args = ['--rcfile', rcfile, '--getmaildir', o.dir];
        if (r.readAll) args.push('--all');
        else args.push('--new');
        if (r.delete) args.push('--delete');
        else args.push('--dont-delete');
        execFile('getmail', args, { timeout: 120_000 }, (err, stdout, stderr) => {
          const output = stdout + stderr;
          const m = /(\d+) messages? \(\d+ bytes?\) retrieved, (\d+) skipped/.exec(output);
          if (err || !m) rej(new Error(`getmail failed: ${output || err?.message}`));
          else res({ retrieved: Number(m[1]), skipped: Number(m[2]), output });
        });
      }),
    async messages() {
      const out: Buffer[] = [];
      for (const sub of ['new', 'cur'])
        for (const f of (await readdir(join(maildir, sub))).sort())
          out.push(await readFile(join(maildir, sub, f)));
      return out;
    },
  };
}
