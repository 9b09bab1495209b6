import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliResult } from './harness/server.js';

// `jdmail spam train` and `jdmail spam eval` as an administrator runs them: the built CLI on
// folders of .eml files (the hand-written Chinese sample of test/fixtures/spam-zh, a regression
// sample, not a corpus) and an mbox, against a fresh data dir.

const FIXTURES = new URL('./fixtures/spam-zh/', import.meta.url).pathname;
let root: string;
let env: Record<string, string>;
const HELD_OUT = new Set(['spam-07.eml', 'spam-08.eml', 'ham-07.eml', 'ham-08.eml']);

/** Copies the fixtures whose names match into `dir`. */
async function folder(dir: string, keep: (name: string) => boolean): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const name of (await readdir(FIXTURES)).filter((f) => f.endsWith('.eml') && keep(f)))
    await copyFile(join(FIXTURES, name), join(dir, name));
  return dir;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'jdmail-cli-spam-'));
  env = {
    JDMAIL_DATA_DIR: join(root, 'data'),
    JDMAIL_SPAM_MIN_SPAM_LEARNED: '3',
    JDMAIL_SPAM_MIN_HAM_LEARNED: '3',
  };
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('jdmail spam train | eval', () => {
  it('refuses to evaluate before the model has learned enough, and says why', async () => {
    const held = await folder(join(root, 'early'), (n) => HELD_OUT.has(n));
    const r = await runCliResult(['spam', 'eval', '--spam', held], env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('the model is not trained yet (0 spam, 0 ham learned');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('learns folders of .eml files once each, then tells held-out spam from ham', async () => {
    const spam = await folder(join(root, 'spam'), (n) => n.startsWith('spam') && !HELD_OUT.has(n));
    const ham = await folder(join(root, 'ham'), (n) => n.startsWith('ham') && !HELD_OUT.has(n));
    const first = await runCli(['spam', 'train', '--spam', spam, '--ham', ham], env);
    expect(first).toContain('learned 12, relearned 0, already known 0');
    expect(first).toContain('the model now holds 6 spam and 6 ham messages');
    // The same folders again: every message is known by its Message-ID, nothing counts twice.
    const again = await runCli(['spam', 'train', '--spam', spam, '--ham', ham], env);
    expect(again).toContain('learned 0, relearned 0, already known 12');

    const heldSpam = await folder(join(root, 'held-spam'), (n) => HELD_OUT.has(n) && n.startsWith('spam'));
    const heldHam = await folder(join(root, 'held-ham'), (n) => HELD_OUT.has(n) && n.startsWith('ham'));
    const report = await runCli(['spam', 'eval', '--spam', heldSpam, '--ham', heldHam], env);
    expect(report).toContain('spam 2: caught 2, missed 0');
    expect(report).toContain('ham 2: kept 2, flagged 0');
    expect(report).toMatch(
      /precision 1\.0000 {2}recall 1\.0000 {2}F1 1\.0000 {2}false positives 0\.00% of ham/,
    );
  });

  it('reads an mbox and moves a message learned as the other class', async () => {
    const { readFile } = await import('node:fs/promises');
    const ham = await readFile(join(FIXTURES, 'ham-01.eml'), 'latin1');
    const mbox = join(root, 'relabel.mbox');
    // ham-01 learned before as ham, now given as spam in an mbox of one message plus a new one.
    const fresh = ham.replace(/^Message-ID:.*$/im, 'Message-ID: <cli-spam-new@test>');
    await writeFile(
      mbox,
      `From a@b Sat Jan  1 00:00:00 2000\n${ham}\n\nFrom a@b Sat Jan  1 00:00:00 2000\n${fresh}\n`,
      'latin1',
    );
    const out = await runCli(['spam', 'train', '--spam', mbox], env);
    expect(out).toContain('learned 1, relearned 1, already known 0');
    expect(out).toContain('the model now holds 8 spam and 5 ham messages');
  });

  it('answers a missing folder with a clear error and no stack trace', async () => {
    const r = await runCliResult(['spam', 'train', '--spam', join(root, 'nowhere')], env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`--spam ${join(root, 'nowhere')}: no such file or folder`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
