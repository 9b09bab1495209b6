import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from '../harness/databases.js';
import type { TestServer } from '../harness/server.js';
import { RawSmtp } from '../harness/smtp-raw.js';
import { submissionTransport } from '../harness/smtp-users.js';
import {
  api,
  goodTransport,
  openData,
  printLatencies,
  probe,
  sleep,
  startHostileServer,
  subjects,
} from './setup.js';

/**
 * Hostile input to the SMTP listeners (issue 18, F11, F13): malformed commands, NUL and bare
 * line ends, SMTP smuggling, header floods, and a stored message the MIME parser gives up on.
 * Each attack comes from a 127.0.0.x address of its own; a well-behaved client is timed meanwhile.
 */
const databases = useDatabases();

/** The end of DATA lookalikes of the SMTP smuggling family (CVE-2023-51764 …): none may end DATA. */
const FAKE_ENDS = ['\n.\n', '\r.\r', '\r\n.\r', '\n.\r\n', '\r\n.\n', '\r.\r\n'];
const SMUGGLED =
  'MAIL FROM:<evil@remote.test>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\nSubject: smuggled\r\n\r\nevil\r\n';

// What a hostile message leaves behind is stored, indexed and read back: on both engines (a NUL
// that SQLite stores made PostgreSQL refuse the message, F8).
describe.each(databases.engines)('SMTP listeners under hostile input, on %s', (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startHostileServer(databases, engine);
  });
  afterAll(async () => {
    printLatencies();
    await server?.destroy();
  });

  /** A message of alice's by subject, as the API reads it, and its raw source. */
  async function message(user: string, subject: string) {
    const { items } = (await (await api(server, user, '/messages?limit=100')).json()) as {
      items: { id: string; subject: string }[];
    };
    const id = items.find((m) => m.subject === subject)?.id;
    expect(id, subject).toBeTruthy();
    return {
      id: id as string,
      raw: Buffer.from(await (await api(server, user, `/messages/${id}/raw`)).arrayBuffer()),
    };
  }

  it('answers malformed commands, NUL in commands and over-long lines with clean errors', async () => {
    const c = await RawSmtp.connect(server.smtpPort, '127.0.0.30');
    await c.reply();
    expect((await c.command('HELLO?')).code).toBe(500);
    expect((await c.command('EHLO a\0b.test')).code).toBe(501);
    expect((await c.command('NO\0OP')).code).toBe(500);
    expect((await c.command('EHLO good.test')).code).toBe(250);
    expect((await c.command('RCPT TO:<alice@example.com>')).code).toBe(503);
    expect((await c.command('MAIL FROM:<a\0b@remote.test>')).code).toBeGreaterThanOrEqual(500);
    expect((await c.command('MAIL FROM:<not closed')).code).toBeGreaterThanOrEqual(500);
    c.write(Buffer.from([0xff, 0xfe, 0x00, 0x0d, 0x0a]));
    expect((await c.reply()).code).toBe(500);
    // Bare LF ends a command line as CRLF does (Postfix 3.9's default does the same).
    c.write('RSET\n');
    expect((await c.reply()).code).toBe(250);
    c.close();
    const long = await RawSmtp.connect(server.smtpPort, '127.0.0.30');
    await long.reply();
    long.write(`EHLO ${'a'.repeat(40_000)}`);
    expect((await long.reply()).text).toMatch(/^421 .*too long/i);
    await long.closedByServer();
    const http = await RawSmtp.connect(server.smtpPort, '127.0.0.30');
    await http.reply();
    expect((await http.command('GET / HTTP/1.1')).code).toBe(421);
    const junk = await RawSmtp.connect(server.smtpPort, '127.0.0.30');
    await junk.reply();
    for (let i = 0; i < 9; i++) expect((await junk.command(`JUNK${i}`)).code).toBe(500);
    expect((await junk.command('JUNK9')).text).toMatch(/^421 .*too many unrecognized/);
    await probe(server.smtpPort, 'malformed commands');
  });

  it('never ends DATA on a smuggling sequence, and stores CRLF-only mail without NUL that relays as one message', async () => {
    const c = await openData(server.smtpPort, '127.0.0.31');
    const body = FAKE_ENDS.map((end, i) => `variant ${i} nul\0here${end}${SMUGGLED}`).join('');
    c.write(`Subject: smuggle test\r\n\r\n${body}last line\r\n.\r\n`);
    expect((await c.reply()).code).toBe(250);
    expect((await c.command('QUIT')).code).toBe(221);
    const { raw } = await message('alice@example.com', 'smuggle test');
    const text = raw.toString('latin1');
    expect(text.replaceAll('\r\n', '')).not.toMatch(/[\r\n\0]/);
    // The lookalikes are ordinary lines holding a dot now, which every SMTP client dot-stuffs.
    expect(text.split('\r\n.\r\nMAIL FROM:<evil@remote.test>').length - 1).toBe(FAKE_ENDS.length);
    expect(text).toContain('variant 0 nulhere');
    expect(await subjects(server, 'bob@example.com')).not.toContain('smuggled');
    // Relayed as stored by a standard client (nodemailer) to an MTA that ends DATA at CRLF.CRLF
    // only (ours): one message arrives, byte for byte, and nothing is smuggled.
    const before = (await subjects(server, 'bob@example.com')).length;
    const relayed = await goodTransport(server).sendMail({
      envelope: { from: 'relay@remote.test', to: ['bob@example.com'] },
      raw,
    });
    expect(relayed.response).toMatch(/^250 /);
    const after = await subjects(server, 'bob@example.com');
    expect(after.length).toBe(before + 1);
    expect(after).not.toContain('smuggled');
    const copy = (await message('bob@example.com', 'smuggle test')).raw.toString('latin1');
    expect(copy.endsWith(text)).toBe(true);
  });

  it('takes LF-only message lines as CRLF, but ends DATA only at CRLF.CRLF', async () => {
    const c = await RawSmtp.connect(server.smtpPort, '127.0.0.32');
    await c.reply();
    for (const line of ['EHLO lf.test', 'MAIL FROM:<lf@remote.test>', 'RCPT TO:<alice@example.com>']) {
      c.write(`${line}\n`);
      expect((await c.reply()).code).toBe(250);
    }
    c.write('DATA\n');
    expect((await c.reply()).code).toBe(354);
    c.write('Subject: lf only\n\nfirst\nsecond\n.\n');
    await expect(c.reply(1000)).rejects.toThrow(/no reply/);
    c.write('\r\n.\r\n');
    expect((await c.reply()).code).toBe(250);
    c.close();
    const { raw } = await message('alice@example.com', 'lf only');
    // The `\n.\n` is content: a line holding a dot, then the empty line CRLF.CRLF closed.
    expect(raw.toString('latin1')).toMatch(/\r\nSubject: lf only\r\n\r\nfirst\r\nsecond\r\n\.\r\n\r\n$/);
  });

  it('refuses a header flood with 552 5.3.4 on both listeners, and keeps the session', async () => {
    const c = await openData(server.smtpPort, '127.0.0.33');
    const floods = [
      `${`X-Pad: ${'p'.repeat(998)}\r\n`.repeat(600)}`, // 600 KB
      'X-Short: y\r\n'.repeat(6000), // 6,000 lines
    ];
    c.write(`Subject: header flood\r\n${floods[0]}\r\nbody\r\n.\r\n`);
    await probe(server.smtpPort, 'a 600 KB header');
    expect((await c.reply()).text).toMatch(/^552 5\.3\.4 Message header size exceeds limit/);
    expect((await c.command('RSET')).code).toBe(250);
    await c.command('MAIL FROM:<x@remote.test>');
    await c.command('RCPT TO:<alice@example.com>');
    await c.command('DATA');
    c.write(`Subject: header flood\r\n${floods[1]}\r\nbody\r\n.\r\n`);
    expect((await c.reply()).text).toMatch(/^552 5\.3\.4 /);
    expect((await c.command('QUIT')).code).toBe(221);
    const submit = submissionTransport(server, 'alice@example.com', 'alice-password');
    const err = await submit
      .sendMail({
        envelope: { from: 'alice@example.com', to: ['bob@example.com'] },
        raw: `From: alice@example.com\r\nSubject: header flood\r\n${floods[0]}\r\nbody\r\n`,
      })
      .catch((e) => e);
    expect(err.responseCode).toBe(552);
    expect(await subjects(server, 'alice@example.com')).not.toContain('header flood');
  });

  it('opens a stored message the MIME parser gives up on (200, partial), never 500', async () => {
    // Intake bounds the top-level header only: a part's header can still be past mailsplit's 1 MiB.
    const c = await openData(server.smtpPort, '127.0.0.34');
    const pad = `X-Pad: ${'p'.repeat(70)}\r\n`.repeat(16_000);
    c.write(
      `Subject: unreadable part\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=a.pdf\r\n\r\nJVBE\r\n--b\r\nContent-Type: application/zip\r\n${pad}\r\nUEsD\r\n--b--\r\n.\r\n`,
    );
    expect((await c.reply()).code).toBe(250);
    c.close();
    const { id } = await message('alice@example.com', 'unreadable part');
    const res = await api(server, 'alice@example.com', `/messages/${id}`);
    expect(res.status).toBe(200);
    const detail = (await res.json()) as {
      partial: boolean;
      subject: string;
      headers: { name: string; value: string }[];
      attachments: { id: string; filename: string }[];
    };
    expect(detail.partial).toBe(true);
    expect(detail.headers.find((h) => h.name === 'Subject')?.value).toBe('unreadable part');
    expect(detail.attachments.map((a) => a.filename)).toEqual(['a.pdf']);
    expect((await api(server, 'alice@example.com', `/messages/${id}/attachments/1`)).status).toBe(200);
    expect((await api(server, 'alice@example.com', `/messages/${id}/attachments/2`)).status).toBe(404);
    // An ordinary message says it was read in full.
    const ok = await message('alice@example.com', 'lf only');
    expect(
      ((await (await api(server, 'alice@example.com', `/messages/${ok.id}`)).json()) as { partial: boolean })
        .partial,
    ).toBe(false);
  });

  it('still delivers a normal message after all of it', async () => {
    await sleep(10);
    const info = await goodTransport(server).sendMail({
      from: 'good@remote.test',
      to: 'alice@example.com',
      subject: 'after the hostile input',
      text: 'fine',
    });
    expect(info.response).toMatch(/^250 /);
    expect(await subjects(server, 'alice@example.com')).toContain('after the hostile input');
  });
});
