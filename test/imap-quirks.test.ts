import net from 'node:net';
import { Duplex } from 'node:stream';
import zlib from 'node:zlib';
import { JdMail } from '@jdmail/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from './harness/databases.js';
import { rawImap } from './harness/imap-clients.js';
import { RawImap } from './harness/imap-raw.js';
import type { TestServer } from './harness/server.js';
import { startWithAliceAndBob } from './harness/smtp-users.js';

// The quirks of real clients, as transcripts of what they send (from their trackers and
// captures; see /work/shared/LANDSCAPE.md): iOS Mail's command in IDLE, Outlook's need for text
// after BYE, Thunderbird's UTF-8 APPEND, Foxmail's ID before login, and COMPRESS=DEFLATE.
const databases = useDatabases();
const ALICE = 'alice@example.com';
const LOGIN = { user: ALICE, pass: 'alice-password' };

describe('IMAP client quirks', () => {
  let server: TestServer;
  let jd: JdMail;
  beforeAll(async () => {
    ({ server } = await startWithAliceAndBob(await databases.fresh('sqlite')));
    jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
  });
  afterAll(() => server?.destroy());

  it('iOS Mail: a new command sent while in IDLE, without DONE, ends the IDLE and runs (wildduck#684)', async () => {
    const c = await rawImap(server, LOGIN);
    await c.command('1', 'SELECT INBOX');
    c.write('2 IDLE\r\n');
    expect(await c.line()).toBe('+ idling');
    c.write('3 UID FETCH 1:* (FLAGS)\r\n');
    const lines = await c.readUntil(/^3 /);
    expect(lines[0]).toBe('2 OK IDLE terminated');
    expect(lines.at(-1)).toMatch(/^3 (OK|NO) /);
    c.write('4 IDLE\r\n');
    expect(await c.line()).toBe('+ idling');
    c.write('done\r\n'); // any case (RFC 2177)
    expect(await c.line()).toBe('4 OK IDLE terminated');
    c.close();
  });

  it('Outlook: text after * BYE at LOGOUT and when the server ends the session (dbmail#46)', async () => {
    const c = await rawImap(server, LOGIN);
    const out = await c.command('a', 'LOGOUT');
    expect(out.untagged).toEqual(['* BYE mail.test IMAP server logging out']);
    expect(out.status).toBe('a OK LOGOUT completed');
    await c.closedByServer();
  });

  it('Thunderbird: APPEND with UTF8 (~{n}) of a message with raw UTF-8 headers, after ENABLE UTF8=ACCEPT, stored byte for byte (wildduck#628)', async () => {
    const c = await rawImap(server, LOGIN);
    expect((await c.command('e', 'ENABLE UTF8=ACCEPT')).untagged).toEqual(['* ENABLED UTF8=ACCEPT']);
    await c.command('k', 'CREATE "草稿/周报"');
    const bytes = Buffer.from(
      'From: 张三 <alice@example.com>\r\nSubject: 周报\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n本周完成。\r\n',
    );
    c.write(`a APPEND "草稿/周报" (\\Seen) UTF8 (~{${bytes.length}}\r\n`);
    expect(await c.line()).toBe('+ Ready for literal data');
    c.write(Buffer.concat([bytes, Buffer.from(')\r\n')]));
    expect((await c.answer('a')).status).toMatch(/^a OK \[APPENDUID \d+ 1\] APPEND completed$/);
    const [stored] = await jd.mail.list(ALICE, { mailbox: '草稿/周报', limit: 5 }).toArray();
    expect(stored?.subject).toBe('周报');
    expect(Buffer.from(await jd.mail.raw(ALICE, stored?.id ?? '')).equals(bytes)).toBe(true);
    c.close();
  });

  it('Foxmail: ID with its fields before login, answered with ours; logged with the login (james-project#5313)', async () => {
    const c = await rawImap(server);
    const id = await c.command(
      'C1',
      'ID ("name" "com.tencent.foxmail" "version" "7.2.25.375" "os" "windows" "os-version" "10.0")',
    );
    expect(id.untagged).toEqual([
      '* ID ("name" "jdmail" "vendor" "jdmail" "support-url" "https://mail.test/")',
    ]);
    expect(id.status).toBe('C1 OK ID completed');
    expect((await c.command('C2', `LOGIN ${ALICE} alice-password`)).status).toMatch(/^C2 OK /);
    const sessions = await jd.sso.listSessions(ALICE);
    expect(sessions.filter((s) => s.channel === 'imap').map((s) => s.userAgent)).toContain(
      'IMAP com.tencent.foxmail 7.2.25.375',
    );
    c.close();
  });

  it('COMPRESS=DEFLATE after login: the OK in clear, then both directions deflated (RFC 4978)', async () => {
    const plain = net.connect({ port: server.imapPort, host: '127.0.0.1' });
    const c = new RawImap(plain);
    await c.line();
    await c.command('L', `LOGIN ${ALICE} alice-password`);
    plain.write('z COMPRESS DEFLATE\r\n');
    expect(await c.line()).toBe('z OK DEFLATE active');
    plain.removeAllListeners('data');
    const inflate = zlib.createInflateRaw();
    const deflate = zlib.createDeflateRaw();
    plain.pipe(inflate);
    deflate.pipe(plain);
    const compressed = new Duplex({
      read() {},
      write(chunk, _e, cb) {
        deflate.write(chunk);
        deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => cb());
      },
    });
    inflate.on('data', (d: Buffer) => compressed.push(d));
    const z = new RawImap(compressed);
    const list = await z.command('a', 'LIST "" "*"');
    expect(list.untagged).toContain('* LIST (\\HasNoChildren \\Sent) "/" "Sent"');
    expect((await z.command('b', 'COMPRESS DEFLATE')).status).toBe(
      'b NO [COMPRESSIONACTIVE] Compression is already active',
    );
    plain.destroy();
  });
});
