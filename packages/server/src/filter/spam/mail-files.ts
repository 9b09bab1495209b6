import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** One message found on disk: where it came from (`file` or `file#n` for the n-th of an mbox) and its bytes. */
export interface MailFile {
  source: string;
  raw: Buffer;
}

/** Files that are not messages in the folders people train from (Maildir's and MH's bookkeeping, the corpus' indexes). */
const SKIP =
  /^(?:\.|cmds$|maildirfolder$|dovecot|courierimap|\.mh_sequences$|.*\.(?:json|md|txt\.gz|gz|zip|tar)$)/i;

/** Every regular file under `path` (a file is itself), depth first, in name order (reproducible runs). */
async function filesUnder(path: string): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [path];
  const out: string[] = [];
  const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (SKIP.test(e.name) && e.name !== 'cur' && e.name !== 'new') continue;
    // Maildir's tmp/ holds messages still being written.
    if (e.isDirectory() && e.name === 'tmp') continue;
    if (e.isDirectory()) out.push(...(await filesUnder(join(path, e.name))));
    else if (e.isFile()) out.push(join(path, e.name));
  }
  return out;
}

/** Whether a file is an mbox: it starts with a `From ` line and holds more than one of them. */
function isMbox(raw: Buffer): boolean {
  if (!raw.subarray(0, 5).equals(Buffer.from('From '))) return false;
  return raw.indexOf('\nFrom ', 5) >= 0;
}

/**
 * The messages of an mbox (mboxrd: `>From ` unescaped one level). A message
 * starts at a `From ` line that follows an empty line or the file's start.
 */
export function splitMbox(raw: Buffer): Buffer[] {
  const text = raw.toString('latin1');
  const starts = [0];
  const re = /\n\r?\nFrom /g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) starts.push(m.index + m[0].length - 5);
  return starts.map((s, i) => {
    const body = text.slice(s, starts[i + 1] ?? text.length).replace(/^From [^\n]*\n/, '');
    return Buffer.from(body.replace(/^>(>*From )/gm, '$1'), 'latin1');
  });
}

/** The paths of the message files under each of `paths` (for a progress bar's total, before reading). */
export async function listMailFiles(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) out.push(...(await filesUnder(p)));
  return out;
}

/**
 * Reads messages from files: `.eml` files (or any file holding one message,
 * as Maildir's `cur/` and `new/` do) and mbox files, which give each of their
 * messages. Maildir folders and any tree of them are walked.
 */
export async function* readMailFiles(files: readonly string[]): AsyncGenerator<MailFile> {
  for (const file of files) {
    const raw = await readFile(file);
    if (!isMbox(raw)) {
      yield { source: file, raw };
      continue;
    }
    let n = 0;
    for (const message of splitMbox(raw)) yield { source: `${file}#${++n}`, raw: message };
  }
}
