import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listMailFiles, readMailFiles, splitMbox } from './mail-files.js';

describe('reading training mail from disk', () => {
  it('splits an mbox and unescapes >From lines', () => {
    const mbox = Buffer.from(
      'From a@x Mon Jan  1 00:00:00 2024\nSubject: one\n\n>From here\nbody\n\nFrom b@x Mon Jan  1 00:00:01 2024\nSubject: two\n\nbye\n',
    );
    const parts = splitMbox(mbox).map((b) => b.toString());
    expect(parts).toEqual(['Subject: one\n\nFrom here\nbody\n\n', 'Subject: two\n\nbye\n']);
  });

  it("walks Maildir folders (cur/ and new/, not tmp/), .eml files and mboxes, skipping Maildir's bookkeeping", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mail-files-'));
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(dir, 'Maildir', sub), { recursive: true });
    writeFileSync(join(dir, 'Maildir', 'cur', '1:2,S'), 'Subject: a\n\nx\n');
    writeFileSync(join(dir, 'Maildir', 'new', '2'), 'Subject: b\n\nx\n');
    writeFileSync(join(dir, 'Maildir', 'tmp', '3'), 'Subject: partial\n');
    writeFileSync(join(dir, 'Maildir', 'maildirfolder'), '');
    writeFileSync(join(dir, 'one.eml'), 'Subject: c\n\nx\n');
    writeFileSync(join(dir, 'box.mbox'), 'From a\nSubject: d\n\nx\n\nFrom b\nSubject: e\n\nx\n');
    const subjects: string[] = [];
    for await (const m of readMailFiles(await listMailFiles([dir])))
      subjects.push(m.raw.toString().split('\n')[0] ?? '');
    expect(subjects.sort()).toEqual(['Subject: a', 'Subject: b', 'Subject: c', 'Subject: d', 'Subject: e']);
  });
});
