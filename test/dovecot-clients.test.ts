import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dovecot, startDovecot } from './harness/dovecot.js';
import { setupGetmail } from './harness/getmail.js';
import { setupMbsync } from './harness/mbsync.js';
import { bytesArg, imaplibSession, mutf7Arg, poplibSession } from './harness/pyclients.js';
import { tempDirs } from './harness/tmp.js';

// The real-client harnesses (Python imaplib and poplib, mbsync, getmail6), each proven here against
// Dovecot so that jdmail's client tests can rely on them: what they report is what the server did.

const message = (subject: string, body: string, id: string) =>
  Buffer.from(
    [
      'From: =?UTF-8?B?5p2O5aic?= <li.na@example.test>',
      'To: user@example.test',
      `Subject: ${subject}`,
      'Date: Mon, 05 Jan 2026 08:00:00 +0800',
      `Message-ID: <${id}@example.test>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      body,
      '',
    ].join('\r\n'),
  );

const PASSWORD = 'secret-pass';
const USERS = ['imaplib', 'poplib', 'mbsync', 'getmail', 'getmail-imap'].map((n) => ({
  name: `${n}@example.test`,
  password: PASSWORD,
}));

describe('real mail clients against Dovecot', () => {
  const dirs = tempDirs();
  let dovecot: Dovecot;
  beforeAll(async () => {
    dovecot = await startDovecot({ users: USERS, mailboxes: ['项目', 'Work/Reports'] });
  });
  afterAll(async () => {
    await dovecot?.stop();
    await dirs.removeAll();
  });

  it("Python's imaplib: STARTTLS with a checked certificate, folders in modified UTF-7, APPEND, FETCH bytes, MOVE, IDLE", async () => {
    const dir = await dirs.make();
    const raw = message('=?UTF-8?B?5a2j5bqm5oql5ZGK?=', '第三季度报告。', 'imaplib-1');
    const starttls = { port: dovecot.imapPort, tls: 'starttls' as const, caFile: dovecot.caFile };
    const s = await imaplibSession(starttls, [
      { call: 'login', args: ['imaplib@example.test', PASSWORD] },
      { call: 'list', args: ['""', '*'] },
      { call: 'append', args: ['INBOX', '(\\Flagged)', null, bytesArg(raw)] },
      { call: 'select', args: ['INBOX'] },
      { call: 'fetch', args: ['1', '(FLAGS BODY.PEEK[])'], save: join(dir, 'm') },
      { call: 'search', args: ['UTF-8', 'BODY'], literal: bytesArg('季度') },
      { call: 'uid', args: ['MOVE', '1', mutf7Arg('项目')] },
      { call: 'status', args: [mutf7Arg('项目'), '(MESSAGES UNSEEN)'] },
      { call: 'select', args: ['"no such folder"'] },
      { call: 'logout' },
    ]);
    const [login, list, append, select, fetch, search, move, status, missing] = s.results;
    expect(login).toMatchObject({ typ: 'OK' });
    expect(list?.data).toContain('(\\HasNoChildren) "/" &mHl27g-');
    expect(append?.typ).toBe('OK');
    expect(select).toMatchObject({ typ: 'OK', data: ['1'] });
    expect(fetch?.saved).toBe(1);
    expect(await readFile(join(dir, 'm.0'))).toEqual(raw);
    expect(search).toMatchObject({ typ: 'OK', data: ['1'] });
    expect(move?.typ).toBe('OK');
    expect(status?.data).toEqual([expect.stringMatching(/^"?&mHl27g-"? \(MESSAGES 1 UNSEEN 1\)$/)]);
    expect(missing).toMatchObject({ typ: 'NO' });
    expect(s.capabilities).toContain('IMAP4REV1');

    // IDLE over implicit TLS: another session's APPENDs reach it (repeated until IDLE has seen one,
    // as the test cannot tell when the Python client has entered IDLE).
    const idle = imaplibSession({ port: dovecot.imapsPort ?? 0, tls: 'implicit', caFile: dovecot.caFile }, [
      { call: 'login', args: ['imaplib@example.test', PASSWORD] },
      { call: 'select', args: ['INBOX'] },
      { call: 'idle', until: 'EXISTS', timeout: 20 },
      { call: 'logout' },
    ]);
    let settled = false;
    void idle.finally(() => {
      settled = true;
    });
    for (let i = 0; !settled && i < 60; i++) {
      await dovecot.append('imaplib@example.test', 'INBOX', message('ping', `ping ${i}`, `ping-${i}`));
      await new Promise((r) => setTimeout(r, 300));
    }
    const r = await idle;
    expect(r.results[1]).toMatchObject({ typ: 'OK' });
    expect(r.results[2]).toMatchObject({ call: 'idle', typ: 'OK' });
    expect(r.results[2]?.data).toContainEqual(expect.stringMatching(/^\* \d+ EXISTS$/));
  });

  it("Python's poplib: plaintext, STLS and POP3S; exact bytes from RETR; DELE only at QUIT", async () => {
    const dir = await dirs.make();
    const first = message('one', '第一封', 'pop-1');
    const second = message('two', 'second\r\n.leading dot survives', 'pop-2');
    await dovecot.append('poplib@example.test', 'INBOX', first);
    await dovecot.append('poplib@example.test', 'INBOX', second);
    const login = [
      { call: 'user', args: ['poplib@example.test'] },
      { call: 'pass_', args: [PASSWORD] },
    ];
    const plain = await poplibSession({ port: dovecot.pop3Port }, [
      ...login,
      { call: 'stat' },
      { call: 'uidl' },
      { call: 'retr', args: [2], save: join(dir, 'two') },
      { call: 'top', args: [1, 0] },
      { call: 'dele', args: [1] },
      { call: 'rset' },
      { call: 'quit' },
    ]);
    const [, pass, stat, uidl, retr, top, dele, rset] = plain.results;
    expect(pass?.typ).toMatch(/^\+OK/);
    expect(stat?.data).toEqual([2, first.length + second.length]);
    expect(uidl?.data).toHaveLength(2);
    expect(retr?.size).toBe(second.length);
    expect(await readFile(join(dir, 'two'))).toEqual(second);
    expect(top?.data).toContain('Subject: one');
    expect(dele?.typ).toMatch(/^\+OK/);
    expect(rset?.typ).toMatch(/^\+OK/);

    const stls = await poplibSession({ port: dovecot.pop3Port, tls: 'starttls', caFile: dovecot.caFile }, [
      ...login,
      { call: 'dele', args: [1] },
      { call: 'quit' },
    ]);
    expect(stls.results.map((x) => x.typ?.slice(0, 3))).toEqual(['+OK', '+OK', '+OK', '+OK']);
    const after = await poplibSession(
      { port: dovecot.pop3sPort ?? 0, tls: 'implicit', caFile: dovecot.caFile },
      [...login, { call: 'stat' }, { call: 'pass_', args: ['again'] }],
    );
    expect(after.results[2]?.data).toEqual([1, second.length]);
    expect(after.results[3]).toMatchObject({ kind: 'error_proto' });
  });

  it('mbsync: every folder (项目 included) to a Maildir, and local changes back to the server', async () => {
    const user = 'mbsync@example.test';
    await dovecot.append(user, 'INBOX', message('inbox one', 'a', 'mb-1'));
    await dovecot.append(user, 'INBOX', message('inbox two', 'b', 'mb-2'), { flags: ['\\Seen'] });
    await dovecot.append(user, '项目', message('=?UTF-8?B?6aG555uu?=', '项目进展', 'mb-3'), {
      flags: ['\\Flagged'],
    });
    await dovecot.append(user, 'Work/Reports', message('report', 'c', 'mb-4'));
    const mb = await setupMbsync({
      port: dovecot.imapPort,
      user,
      password: PASSWORD,
      tls: 'starttls',
      caFile: dovecot.caFile,
      dir: await dirs.make(),
    });
    await mb.sync();
    expect(await mb.folders()).toEqual(['Drafts', 'INBOX', 'Junk', 'Sent', 'Trash', 'Work/Reports', '项目']);
    const inbox = await mb.messages('INBOX');
    expect(inbox.map((m) => m.flags).sort()).toEqual(['', 'S']);
    const project = await mb.messages('项目');
    expect(project).toHaveLength(1);
    expect(project[0]?.flags).toBe('F');
    expect(project[0]?.data.toString()).toContain('项目进展');

    // Back: a new folder with a message, a new INBOX message, a flag, a deletion.
    await mb.createFolder('归档');
    await mb.addMessage('归档', message('archived', 'old', 'mb-5'), 'S');
    await mb.addMessage('INBOX', message('written offline', 'd', 'mb-6'));
    const unseen = inbox.find((m) => m.flags === '');
    if (!unseen) throw new Error('no unseen message synced');
    await mb.setFlags(unseen, 'FS');
    const [report] = await mb.messages('Work/Reports');
    if (!report) throw new Error('no report synced');
    await mb.remove(report);
    await mb.sync();

    const s = await imaplibSession({ port: dovecot.imapPort }, [
      { call: 'login', args: [user, PASSWORD] },
      { call: 'list', args: ['""', '*'] },
      { call: 'status', args: [mutf7Arg('归档'), '(MESSAGES)'] },
      { call: 'status', args: ['"Work/Reports"', '(MESSAGES)'] },
      { call: 'select', args: ['INBOX'] },
      { call: 'fetch', args: ['1:*', '(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])'] },
    ]);
    const [, list, archived, reports, select, fetch] = s.results;
    // 归 U+5F52 档 U+6863: UTF-16BE 5F 52 68 63, base64 "X1JoYw" (RFC 9051 §5.1.3).
    expect(list?.data).toContain('(\\HasNoChildren) "/" &X1JoYw-');
    expect(archived?.data).toEqual([expect.stringMatching(/^"?&X1JoYw-"? \(MESSAGES 1\)$/)]);
    expect(reports?.data).toEqual([expect.stringMatching(/^"?Work\/Reports"? \(MESSAGES 0\)$/)]);
    expect(select?.data).toEqual(['3']);
    // imaplib gives each FETCH response as [head, literal] followed by ")".
    const items = ((fetch?.data ?? []) as unknown[]).filter((x): x is string[] => Array.isArray(x));
    const flagsOf = (id: string) => items.find(([, header]) => header?.includes(`<${id}@`))?.[0];
    expect(flagsOf('mb-1')).toMatch(/FLAGS \((\\Flagged \\Seen|\\Seen \\Flagged)\)/);
    expect(flagsOf('mb-2')).toMatch(/FLAGS \(\\Seen\)/);
    expect(flagsOf('mb-6')).toMatch(/FLAGS \(\)/);
  });

  it('getmail6 over POP3: leave on server fetches each message once (by UIDL), then delete empties it', async () => {
    const user = 'getmail@example.test';
    await dovecot.append(user, 'INBOX', message('g1', 'one', 'gm-1'));
    await dovecot.append(user, 'INBOX', message('g2', '二', 'gm-2'));
    const gm = await setupGetmail({
      port: dovecot.pop3sPort ?? 0,
      ssl: true,
      caFile: dovecot.caFile,
      protocol: 'pop3',
      user,
      password: PASSWORD,
      dir: await dirs.make(),
    });
    expect(await gm.run()).toMatchObject({ retrieved: 2, skipped: 0 });
    expect(await gm.run()).toMatchObject({ retrieved: 0, skipped: 2 });
    await dovecot.append(user, 'INBOX', message('g3', 'three', 'gm-3'));
    expect(await gm.run()).toMatchObject({ retrieved: 1, skipped: 2 });
    const got = await gm.messages();
    expect(got).toHaveLength(3);
    expect(got.map((m) => /Message-ID: <(gm-\d)@/.exec(m.toString())?.[1]).sort()).toEqual([
      'gm-1',
      'gm-2',
      'gm-3',
    ]);
    expect(got.find((m) => m.toString().includes('gm-2'))?.toString()).toContain('\n二\n');
    expect(await gm.run({ readAll: true, delete: true })).toMatchObject({ retrieved: 3 });
    const left = await poplibSession({ port: dovecot.pop3Port }, [
      { call: 'user', args: [user] },
      { call: 'pass_', args: [PASSWORD] },
      { call: 'stat' },
      { call: 'quit' },
    ]);
    expect(left.results[2]?.data).toEqual([0, 0]);
  });

  it('getmail6 over IMAP (plaintext on loopback) from a Chinese-named folder', async () => {
    const user = 'getmail-imap@example.test';
    await dovecot.append(user, '项目', message('p1', '项目一', 'gi-1'));
    const gm = await setupGetmail({
      host: '127.0.0.1',
      port: dovecot.imapPort,
      protocol: 'imap',
      user,
      password: PASSWORD,
      mailboxes: ['项目'],
      dir: await dirs.make(),
    });
    expect(await gm.run()).toMatchObject({ retrieved: 1 });
    expect((await gm.messages())[0]?.toString()).toContain('项目一');
  });
});
