import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ImapTarget, ImapWire, literal, quote } from './imap-wire.js';
import { encodeMutf7 } from './mutf7.js';
import { freePort } from './ports.js';

/** The script that writes a Dovecot config from `dovecot.conf.in` and starts and stops it. */
export const DOVECOT_PEER = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../tools/imaptest/dovecot-peer.sh',
);

export interface DovecotUser {
  name: string;
  password: string;
}

export interface DovecotOptions {
  users: DovecotUser[];
  /** Extra folders every user has (subscribed), UTF-8 names, `/` as separator: `['项目', 'Work/Reports']`. */
  mailboxes?: string[];
  /** STARTTLS/STLS on the plain ports and IMAPS/POP3S ports, with a throwaway CA (default true). */
  tls?: boolean;
  /** Sessions per user and IP (default 1,000). */
  maxUserIp?: number;
  /** imap and pop3 process limits (Dovecot's default 1,024): one process per session. */
  processLimit?: number;
  /** How the users file stores passwords (`doveadm pw -s`): default PLAIN, which costs nothing to check. */
  passwordScheme?: string;
}

/** A throwaway Dovecot 2.3 on 127.0.0.1, in a temp dir of its own. */
export interface Dovecot {
  host: '127.0.0.1';
  /** IMAP (STARTTLS when started with TLS). */
  imapPort: number;
  /** POP3 (STLS when started with TLS). */
  pop3Port: number;
  /** Implicit-TLS ports, when started with TLS. */
  imapsPort: number | undefined;
  pop3sPort: number | undefined;
  /** PEM of the CA that signed the server's certificate (for `localhost` and 127.0.0.1), with TLS. */
  caFile: string | undefined;
  ca: Buffer | undefined;
  /** The master process: its tree is the whole server (benchmarks measure it). */
  pid: number;
  /** `dovecot --version`, e.g. `2.3.19.1 (9b53102964)`. */
  version: string;
  dir: string;
  users: DovecotUser[];
  /** An IMAP session of `user`, logged in (plaintext LOGIN unless `tls` says otherwise). */
  login(user: string, tls?: ImapTarget['tls']): Promise<ImapWire>;
  /** APPENDs one message to a user's folder (UTF-8 name), with flags and an internal date if given. */
  append(
    user: string,
    mailbox: string,
    message: string | Buffer,
    options?: { flags?: string[]; date?: Date },
  ): Promise<void>;
  /** The end of Dovecot's log, for a failing test's message. */
  logTail(lines?: number): Promise<string>;
  /** Stops Dovecot and removes its directory. */
  stop(): Promise<void>;
}

const peer = (args: string[], timeoutMs = 60_000) =>
  new Promise<{ stdout: string; stderr: string }>((res, rej) => {
    execFile('bash', [DOVECOT_PEER, ...args], { timeout: timeoutMs }, (err, stdout, stderr) =>
      err
        ? rej(new Error(`dovecot-peer.sh ${args[0]} failed: ${stderr || err.message}`))
        : res({ stdout, stderr }),
    );
  });

/** `05-Jan-2026 08:00:00 +0000`: an IMAP date-time (RFC 9051 §9, date-time). */
export function imapDate(d: Date): string {
  const mon = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}-${mon}-${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/**
 * Starts Dovecot (Debian's `dovecot-imapd` and `dovecot-pop3d`) on free
 * loopback ports through `test/tools/imaptest/dovecot-peer.sh`: Maildir in
 * its temp dir, `/` separator, INBOX, Sent, Drafts, Junk and Trash with
 * special-use, QUOTA, plaintext LOGIN allowed. Nothing under /etc is read or
 * written. Ready in well under a second; always `stop()` it (a Dovecot left
 * running when the test process exits is sent SIGTERM then).
 */
export async function startDovecot(options: DovecotOptions): Promise<Dovecot> {
  const dir = await mkdtemp(join(tmpdir(), 'jdmail-dovecot-'));
  const tls = options.tls ?? true;
  // Ports from below the ephemeral range (see ports.ts): nothing else is handed them meanwhile.
  const ports = new Set<number>();
  while (ports.size < (tls ? 4 : 2)) ports.add(await freePort());
  const [imap, pop3, imaps, pop3s] = [...ports].map(String);
  const args = ['start', dir, '--port', imap ?? '0', '--pop3-port', pop3 ?? '0'];
  if (tls) args.push('--tls', '--imaps-port', imaps ?? '0', '--pop3s-port', pop3s ?? '0');
  for (const m of options.mailboxes ?? []) args.push('--mailbox', m);
  if (options.maxUserIp) args.push('--max-userip', String(options.maxUserIp));
  if (options.processLimit) args.push('--process-limit', String(options.processLimit));
  if (options.passwordScheme) args.push('--password-scheme', options.passwordScheme);
  for (const u of options.users) {
    if (u.name.includes(':') || u.password.includes(':')) throw new Error(`user ${u.name}: no ':' allowed`);
    args.push(`${u.name}:${u.password}`);
  }
  try {
    await peer(args);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const env = Object.fromEntries(
    (await readFile(join(dir, 'peer.env'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  ) as Record<string, string>;
  const pid = Number(env.PID);
  const onExit = () => {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  process.once('exit', onExit);
  const caFile = env.CA_FILE || undefined;
  const ca = caFile ? await readFile(caFile) : undefined;
  const version = await new Promise<string>((res) =>
    execFile('dovecot', ['--version'], (_e, out) => res(String(out).trim())),
  );
  const imapPort = Number(env.IMAP_PORT);
  const imapsPort = tls ? Number(env.IMAPS_PORT) : undefined;
  const password = (user: string) => {
    const u = options.users.find((x) => x.name === user);
    if (!u) throw new Error(`no Dovecot user ${user}`);
    return u.password;
  };

  const login = async (user: string, how: ImapTarget['tls'] = false) => {
    const port = how === 'implicit' ? imapsPort : imapPort;
    if (port === undefined) throw new Error('Dovecot was started without TLS');
    const wire = await ImapWire.connect({ port, tls: how, ca });
    const r = await wire.login(user, password(user));
    if (r.status !== 'OK') {
      wire.destroy();
      throw new Error(`LOGIN ${user} at Dovecot: ${r.text}`);
    }
    return wire;
  };

  return {
    host: '127.0.0.1',
    imapPort,
    pop3Port: Number(env.POP3_PORT),
    imapsPort,
    pop3sPort: tls ? Number(env.POP3S_PORT) : undefined,
    caFile,
    ca,
    pid,
    version,
    dir,
    users: options.users,
    login,
    async append(user, mailbox, message, o = {}) {
      const wire = await login(user);
      try {
        const flags = o.flags?.length ? ` (${o.flags.join(' ')})` : '';
        const date = o.date ? ` "${imapDate(o.date)}"` : '';
        const r = await wire.command([
          `APPEND ${quote(encodeMutf7(mailbox))}${flags}${date} `,
          literal(message),
        ]);
        if (r.status !== 'OK') throw new Error(`APPEND to ${mailbox} at Dovecot: ${r.text}`);
      } finally {
        await wire.logout();
      }
    },
    async logTail(lines = 30) {
      const log = await readFile(join(dir, 'dovecot.log'), 'utf8').catch(() => '');
      return log.trimEnd().split('\n').slice(-lines).join('\n');
    },
    async stop() {
      await peer(['stop', dir]).catch(() => {});
      process.off('exit', onExit);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
