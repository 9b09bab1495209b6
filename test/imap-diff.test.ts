import { JdMail } from '@jdmail/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from './harness/databases.js';
import { type Dovecot, startDovecot } from './harness/dovecot.js';
import { type DiffServer, runScript } from './harness/imap-diff.js';
import { compareMasked } from './harness/imap-diff-masks.js';
import { runCli, startServer, type TestServer } from './harness/server.js';
import { MASKS, UNORDERED } from './imap-diff-known.js';
import { SCRIPTS } from './imap-diff-scripts.js';

// Differential IMAP: the same scripted sessions (imap-diff-scripts.ts: FETCH of every item over a
// realistic message set, SEARCH, STORE/COPY/MOVE/EXPUNGE, CONDSTORE/QRESYNC, LIST/STATUS/APPEND,
// IDLE, errors) against jdmail and a throwaway Dovecot 2.3, compared once what RFC 9051 leaves to
// each server is masked (harness/imap-diff.ts: tags, texts, capabilities, UIDVALIDITY, dates,
// modseqs) and the known differences listed with their reasons in imap-diff-known.ts. Anything else fails.
const databases = useDatabases();
const PASSWORD = 'diff-password';
const NAMES = Object.keys(SCRIPTS);
const user = (name: string) => `diff-${name}@example.com`;

describe('jdmail against Dovecot, the same IMAP sessions', () => {
  let server: TestServer;
  let dovecot: Dovecot;

  beforeAll(async () => {
    const users = NAMES.map((n) => ({ name: user(n), password: PASSWORD }));
    const [jdmail, peer] = await Promise.all([
      databases.fresh('sqlite').then((db) => startServer({ databaseUrl: db.databaseUrl })),
      startDovecot({ users, tls: false }),
    ]);
    server = jdmail;
    dovecot = peer;
    await runCli(['domain', 'add', 'example.com'], { JDMAIL_DATA_DIR: server.dataDir });
    const jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
    for (const u of users) await jd.users.create({ address: u.name, password: u.password });
  });
  afterAll(async () => {
    await Promise.all([server?.destroy(), dovecot?.stop()]);
  });

  it.each(NAMES)('%s', async (name) => {
    const at = (port: number): DiffServer => ({ target: { port }, user: user(name), password: PASSWORD });
    const steps = SCRIPTS[name] ?? [];
    const raw = {
      a: await runScript(at(server.imapPort), steps),
      b: await runScript(at(dovecot.imapPort), steps),
    };
    const r = compareMasked(raw, MASKS[name] ?? [], UNORDERED);
    expect(r.diff).toBe('');
    // The comparison saw the whole session: every command (IDLE included) has its tagged answer.
    const commands = r.a.filter((l) => / C: (<tag> |IDLE$)/.test(l)).length;
    expect(r.a.filter((l) => / S: <tag> (OK|NO|BAD)/.test(l))).toHaveLength(commands);
  });
});
