import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeMutf7, encodeMutf7 } from './mutf7.js';

/**
 * mbsync (Debian's `isync` 1.4) syncing every folder of an IMAP account to a
 * local Maildir and back, with a generated config: `Patterns *`, `Create
 * Both`, `Expunge Both`, flags both ways. Folder names stay in modified
 * UTF-7 on disk (isync 1.4 does not convert them); this harness speaks UTF-8
 * and converts.
 */
export interface MbsyncOptions {
  /** Default `localhost` (mbsync checks the certificate against the host name, not an IP address). */
  host?: string;
  port: number;
  user: string;
  password: string;
  /** `starttls`, `implicit` (IMAPS), or plaintext LOGIN (loopback only). */
  tls: 'starttls' | 'implicit' | false;
  /** PEM CA the server's certificate chains to (required with TLS: mbsync always checks). */
  caFile?: string;
  /** Working directory: the config, the Maildir (`<dir>/mail`) and the sync state live here. */
  dir: string;
}

/** One message file of the local Maildir. */
export interface MaildirMessage {
  path: string;
  /** The Maildir flags after `:2,` (`S` seen, `F` flagged, `R` answered, `T` trashed, `D` draft, `P` passed). */
  flags: string;
  data: Buffer;
}

export interface Mbsync {
  configFile: string;
  maildir: string;
  /** `mbsync -a`: resolves with its output, rejects with it on a non-zero exit. */
  sync(): Promise<string>;
  /** Local folders (UTF-8 names, `/` between levels), sorted. */
  folders(): Promise<string[]>;
  messages(folder: string): Promise<MaildirMessage[]>;
  /** A new local folder (synced to the server as a new mailbox by the next `sync`). */
  createFolder(folder: string): Promise<void>;
  /** A new local message in `folder`, with Maildir flags. */
  addMessage(folder: string, data: string | Buffer, flags?: string): Promise<string>;
  /** Replaces a local message's flags (the file is renamed, as a Maildir client does). */
  setFlags(message: MaildirMessage, flags: string): Promise<void>;
  /** Deletes a local message (expunged on the server by the next `sync`). */
  remove(message: MaildirMessage): Promise<void>;
}

const SSL_TYPE = { starttls: 'STARTTLS', implicit: 'IMAPS' } as const;

function config(o: MbsyncOptions, maildir: string): string {
  return [
    'IMAPAccount account',
    `Host ${o.host ?? 'localhost'}`,
    `Port ${o.port}`,
    `User ${o.user}`,
    `Pass "${o.password.replace(/["\\]/g, (c) => `\\${c}`)}"`,
    `SSLType ${o.tls ? SSL_TYPE[o.tls] : 'None'}`,
    ...(o.tls ? [`CertificateFile ${o.caFile}`] : ['AuthMechs LOGIN']),
    'Timeout 30',
    '',
    'IMAPStore far',
    'Account account',
    '',
    'MaildirStore near',
    `Path ${maildir}/`,
    `Inbox ${maildir}/INBOX`,
    'SubFolders Verbatim',
    '',
    'Channel all',
    'Far :far:',
    'Near :near:',
    'Patterns *',
    'Create Both',
    'Expunge Both',
    'SyncState *',
    'CopyArrivalDate yes',
    '',
  ].join('\n');
}

const isMaildir = async (dir: string) =>
  (await stat(join(dir, 'cur')).catch(() => null))?.isDirectory() === true;

/** Writes the config and an empty Maildir; nothing runs until `sync()`. */
export async function setupMbsync(o: MbsyncOptions): Promise<Mbsync> {
  if (o.tls && !o.caFile) throw new Error('mbsync with TLS needs caFile: it always checks the certificate');
  const maildir = join(o.dir, 'mail');
  const configFile = join(o.dir, 'mbsyncrc');
  await mkdir(maildir, { recursive: true });
  await writeFile(configFile, config(o, maildir), { mode: 0o600 });
  const folderDir = (folder: string) => join(maildir, ...folder.split('/').map(encodeMutf7));
  let seq = 0;

  return {
    configFile,
    maildir,
    sync: () =>
      new Promise((res, rej) =>
        execFile('mbsync', ['-c', configFile, '-a'], { timeout: 120_000 }, (err, stdout, stderr) =>
          err ? rej(new Error(`mbsync failed: ${stderr}${stdout}`)) : res(stdout + stderr),
        ),
      ),
    async folders() {
      const out: string[] = [];
      const walk = async (dir: string, prefix: string[]) => {
        for (const e of await readdir(dir, { withFileTypes: true })) {
          if (!e.isDirectory() || ['cur', 'new', 'tmp'].includes(e.name)) continue;
          const path = [...prefix, decodeMutf7(e.name)];
          if (await isMaildir(join(dir, e.name))) out.push(path.join('/'));
          await walk(join(dir, e.name), path);
        }
      };
      await walk(maildir, []);
      return out.sort();
    },
    async messages(folder) {
      const dir = folderDir(folder);
      const out: MaildirMessage[] = [];
      for (const sub of ['new', 'cur']) {
        for (const name of (await readdir(join(dir, sub)).catch(() => [])).sort()) {
          const path = join(dir, sub, name);
          out.push({ path, flags: name.split(':2,')[1] ?? '', data: await readFile(path) });
        }
      }
      return out;
    },
    async createFolder(folder) {
      for (const sub of ['cur', 'new', 'tmp']) await mkdir(join(folderDir(folder), sub), { recursive: true });
    },
    async addMessage(folder, data, flags = '') {
      const name = `${Date.now()}.${process.pid}_${++seq}.jdmail-test`;
      const path = flags
        ? join(folderDir(folder), 'cur', `${name}:2,${flags}`)
        : join(folderDir(folder), 'new', name);
      await writeFile(path, data);
      return path;
    },
    async setFlags(message, flags) {
      const base = message.path.split(':2,')[0] ?? message.path;
      await rename(message.path, `${base.replace('/new/', '/cur/')}:2,${[...flags].sort().join('')}`);
    },
    async remove(message) {
      await rm(message.path);
    },
  };
}
