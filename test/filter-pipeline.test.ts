import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { JdMail, NotFoundError } from '@jdmail/sdk';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Clamd, EICAR, startClamd } from './harness/clamd.js';
import { type TestDatabase, useDatabases } from './harness/databases.js';
import { runCli, startServer, type TestServer } from './harness/server.js';

// The filter pipeline between SMTP DATA and the store, end to end: a real
// clamd (EICAR plain, zipped, in a forwarded message; clamd stopped → 451 and
// the retry delivered), a spam model trained through the CLI, global and
// personal rules, vacation replies, and the quarantine over REST. Both engines.

const databases = useDatabases();

const compose = (options: ConstructorParameters<typeof MailComposer>[0]) =>
  new Promise<Buffer>((resolve, reject) =>
    new MailComposer(options).compile().build((err, msg) => (err ? reject(err) : resolve(msg))),
  );

/** What the MX answered to one message: 250 with its text, or the refusal's code and text. */
async function sendMx(
  port: number,
  from: string,
  to: string[],
  raw: Buffer,
): Promise<{ code: number; response: string }> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    const info = await t.sendMail({ envelope: { from, to }, raw });
    return { code: 250, response: info.response };
  } catch (err) {
    const e = err as { responseCode?: number; response?: string };
    return { code: e.responseCode ?? 0, response: e.response ?? String(err) };
  } finally {
    t.close();
  }
}

const SPAM = [
  'Cheap pills online, viagra casino jackpot, win money now, click here to claim your prize',
  'Casino bonus jackpot: free money, cheap viagra pills, claim your prize, click now',
  'You won the lottery jackpot! Claim free money now, casino pills viagra discount',
  'Click here: cheap pills, casino prize, win free money, viagra lottery winner',
];
const HAM = [
  'Hi team, the quarterly project meeting moves to Thursday; agenda and minutes attached later.',
  'Please review the project report draft before the meeting on Thursday, thanks.',
  'The budget review for the quarterly report is on the agenda of Thursday’s team meeting.',
  'Minutes of the project meeting: the team agreed on the report schedule and the budget.',
];

/** Writes `texts` as .eml files into `dir`. */
async function writeMails(dir: string, texts: string[], from: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [i, text] of texts.entries()) {
    const raw = await compose({ from, to: 'someone@corp.test', subject: text.slice(0, 30), text });
    await writeFile(join(dir, `${i}.eml`), raw);
  }
}

/** Polls `check` until it returns a value (not undefined), or fails after `ms`. */
async function eventually<T>(check: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

let clamd: Clamd;
let work: string;
beforeAll(async () => {
  clamd = await startClamd();
  work = await mkdtemp(join(tmpdir(), 'jdmail-filter-'));
  await writeMails(join(work, 'spam'), SPAM, 'promo@casino.example');
  await writeMails(join(work, 'ham'), HAM, 'colleague@partner.example');
  await writeFile(join(work, 'eicar.com'), EICAR.padEnd(128, ' '));
  await promisify(execFile)('zip', ['-q', '-j', join(work, 'eicar.zip'), join(work, 'eicar.com')]);
}, 60_000);
afterAll(async () => {
  await clamd?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe.each(databases.engines)('filter pipeline on %s', (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let jd: JdMail;
  let env: Record<string, string>;
  const inbox = async (address: string, mailbox = 'INBOX') => {
    const page = await jd.mail.list(address, { mailbox, limit: 200 });
    return page.items;
  };

  beforeAll(async () => {
    db = await databases.fresh(engine);
    server = await startServer({
      databaseUrl: db.databaseUrl,
      env: {
        JDMAIL_VIRUS_CLAMD: clamd.tcp,
        JDMAIL_VIRUS_TIMEOUT_MS: '20000',
        JDMAIL_SPAM_MIN_SPAM_LEARNED: '3',
        JDMAIL_SPAM_MIN_HAM_LEARNED: '3',
        // No in-memory copy: the learns the CLI makes from its own process count at once.
        JDMAIL_SPAM_CACHE_REFRESH_SECONDS: '0',
        // Vacation replies to outside wait in the queue: the relay is a closed port.
        JDMAIL_OUTBOUND_RELAY_HOST: '127.0.0.1',
        JDMAIL_OUTBOUND_RELAY_PORT: '1',
        JDMAIL_OUTBOUND_RELAY_REQUIRE_TLS: 'false',
      },
    });
    env = {
      JDMAIL_DATA_DIR: server.dataDir,
      ...(db.databaseUrl ? { JDMAIL_DATABASE_URL: db.databaseUrl } : {}),
    };
    jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '', timeoutMs: 60_000 });
    await jd.domains.create('corp.test');
    await jd.domains.create('other.test');
    for (const a of ['alice', 'bob', 'archive', 'dana'])
      await jd.users.create({ address: `${a}@corp.test`, password: 'filter-password-1' });
    await jd.users.create({ address: 'carol@other.test', password: 'filter-password-1' });
  }, 120_000);
  afterAll(() => server?.destroy());

  it('refuses EICAR at DATA — plain, zipped, and inside a forwarded message — and stores nothing', async () => {
    const plain = await compose({
      from: 'x@outside.example',
      to: 'alice@corp.test',
      subject: 'plain',
      text: 'see attached',
      attachments: [{ filename: 'eicar.com', content: Buffer.from(EICAR) }],
    });
    const zipped = await compose({
      from: 'x@outside.example',
      to: 'alice@corp.test',
      subject: 'zipped',
      text: 'see attached',
      attachments: [{ filename: 'eicar.zip', content: await readFile(join(work, 'eicar.zip')) }],
    });
    const forwarded = await compose({
      from: 'y@outside.example',
      to: 'alice@corp.test',
      subject: 'Fwd: plain',
      text: 'forwarding',
      attachments: [{ filename: 'fwd.eml', content: plain, contentType: 'message/rfc822' }],
    });
    for (const raw of [plain, zipped, forwarded]) {
      const r = await sendMx(server.smtpPort, 'x@outside.example', ['alice@corp.test'], raw);
      expect(r.code).toBe(554);
      expect(r.response).toMatch(/^554 5\.7\.1 virus: Eicar-Test-Signature/);
    }
    expect(await inbox('alice@corp.test')).toEqual([]);
    const clean = await compose({
      from: 'x@outside.example',
      to: 'alice@corp.test',
      subject: 'clean',
      text: 'hi',
    });
    expect((await sendMx(server.smtpPort, 'x@outside.example', ['alice@corp.test'], clean)).code).toBe(250);
    expect((await inbox('alice@corp.test')).map((m) => m.subject)).toEqual(['clean']);
  });

  it('answers 451 4.7.1 while clamd is down and delivers the client’s retry once it is back', async () => {
    const raw = await compose({
      from: 'x@outside.example',
      to: 'bob@corp.test',
      subject: 'retry me',
      text: 'hi',
    });
    await clamd.halt();
    try {
      const r = await sendMx(server.smtpPort, 'x@outside.example', ['bob@corp.test'], raw);
      expect(r.code).toBe(451);
      expect(r.response).toMatch(/^451 4\.7\.1 /);
      expect(await inbox('bob@corp.test')).toEqual([]);
    } finally {
      await clamd.start();
    }
    expect((await sendMx(server.smtpPort, 'x@outside.example', ['bob@corp.test'], raw)).code).toBe(250);
    expect((await inbox('bob@corp.test')).map((m) => m.subject)).toEqual(['retry me']);
  });

  it('applies a global reject, a group’s archive copy, a personal move and once-per-sender vacation replies', async () => {
    await jd.filter.replaceRules([
      {
        name: 'no .exe from outside',
        when: { all: [{ direction: 'inbound' }, { attachment: { name: { endsWith: '.exe' } } }] },
        actions: [{ action: 'reject', text: 'Executables are not accepted' }],
      },
      {
        name: 'legal archive',
        when: { memberOf: { who: 'recipient', group: 'legal@corp.test' } },
        actions: [{ action: 'copyTo', address: 'archive@corp.test' }],
      },
    ]);
    const legal = await jd.groups.create({
      domain: 'corp.test',
      name: 'legal',
      kind: 'group',
      address: 'legal@corp.test',
    });
    await jd.groups.addMembers(legal.id, ['alice@corp.test']);
    await jd.mail.createMailbox('bob@corp.test', 'Projects');
    await jd.filter.replaceUserRules('bob@corp.test', [
      {
        name: 'project x',
        when: { header: { name: 'subject', contains: 'project-x' } },
        actions: [{ action: 'moveTo', folder: 'Projects' }, { action: 'markRead' }],
      },
      {
        name: 'away',
        when: { direction: 'inbound' },
        actions: [{ action: 'vacation', days: 7, subject: 'Out of office', text: 'Back on Monday' }],
      },
    ]);

    const exe = await compose({
      from: 'x@outside.example',
      to: 'alice@corp.test',
      subject: 'tool',
      text: 'run it',
      attachments: [{ filename: 'setup.exe', content: Buffer.from('MZ not really') }],
    });
    const refused = await sendMx(server.smtpPort, 'x@outside.example', ['alice@corp.test'], exe);
    expect(refused.code).toBe(550);
    expect(refused.response).toMatch(/^550 5\.7\.1 Executables are not accepted/);

    const contract = await compose({
      from: 'lawyer@outside.example',
      to: 'legal@corp.test',
      subject: 'contract',
      text: 'sign',
    });
    expect(
      (await sendMx(server.smtpPort, 'lawyer@outside.example', ['legal@corp.test'], contract)).code,
    ).toBe(250);
    expect((await inbox('alice@corp.test')).some((m) => m.subject === 'contract')).toBe(true);
    const archived = await eventually(async () =>
      (await inbox('archive@corp.test')).find((m) => m.subject === 'contract'),
    );
    expect(archived.subject).toBe('contract');

    for (const subject of ['project-x kickoff', 'project-x notes']) {
      const raw = await compose({ from: 'pm@outside.example', to: 'bob@corp.test', subject, text: 'notes' });
      expect((await sendMx(server.smtpPort, 'pm@outside.example', ['bob@corp.test'], raw)).code).toBe(250);
    }
    const moved = await inbox('bob@corp.test', 'Projects');
    expect(moved.map((m) => m.subject).sort()).toEqual(['project-x kickoff', 'project-x notes']);
    expect(moved.every((m) => !m.unread)).toBe(true);
    // Two messages from pm@outside.example, one vacation reply: queued for the remote sender, null sender.
    const replies = await eventually(async () => {
      const page = await jd.queue.list({ recipient: 'pm@outside.example' });
      return page.items.length > 0 ? page.items : undefined;
    });
    // Both messages were delivered before this point: the second one's reply would be here already.
    expect(replies).toHaveLength(1);
    expect(replies[0]?.sender).toBe('');
    expect(replies[0]?.subject).toBe('Out of office');
  });

  it('holds quarantined mail for admins: list, release, train and delete; another domain’s admin gets 404', async () => {
    await jd.filter.replaceRules(
      [
        {
          name: 'hold',
          when: { header: { name: 'subject', startsWith: 'hold' } },
          actions: [{ action: 'quarantine' }],
        },
      ],
      'corp.test',
    );
    for (const subject of ['hold one', 'hold two', 'hold three']) {
      const raw = await compose({ from: 'z@outside.example', to: 'alice@corp.test', subject, text: 'x' });
      expect((await sendMx(server.smtpPort, 'z@outside.example', ['alice@corp.test'], raw)).code).toBe(250);
    }
    expect((await inbox('alice@corp.test')).some((m) => m.subject.startsWith('hold'))).toBe(false);
    const held = (await jd.quarantine.list({ domain: 'corp.test' })).items;
    expect(held.map((h) => h.subject)).toEqual(['hold three', 'hold two', 'hold one']);
    expect(held[0]).toMatchObject({ sender: 'z@outside.example', recipients: ['alice@corp.test'] });
    expect(held[0]?.reasons).toContain('domain: hold');

    const otherKey = (
      await runCli(['apikey', 'create', '--name', 'other', '--scopes', '*', '--domain', 'other.test'], env)
    ).trim();
    const other = new JdMail({ baseUrl: server.baseUrl, token: otherKey, timeoutMs: 60_000 });
    expect((await other.quarantine.list()).items).toEqual([]);
    const [three, two, one] = held.map((h) => h.id) as [string, string, string];
    await expect(other.quarantine.get(one)).rejects.toBeInstanceOf(NotFoundError);
    await expect(other.quarantine.release(one)).rejects.toBeInstanceOf(NotFoundError);
    await expect(other.quarantine.delete(one)).rejects.toBeInstanceOf(NotFoundError);

    expect(await jd.quarantine.release(one)).toEqual({ delivered: 1 });
    const released = (await inbox('alice@corp.test')).find((m) => m.subject === 'hold one');
    expect(released).toBeDefined();
    await jd.quarantine.delete(two);
    await expect(jd.quarantine.get(two)).rejects.toBeInstanceOf(NotFoundError);
    expect(await jd.quarantine.train(three, 'ham')).toEqual({ delivered: 1 });
    expect((await jd.quarantine.list()).items).toEqual([]);
    expect((await inbox('alice@corp.test')).filter((m) => m.subject.startsWith('hold')).length).toBe(2);
  });
  it('with a trained model files spam in Junk with X-Spam headers and the score in the REST detail', async () => {
    const before = await compose({
      from: 'promo@casino.example',
      to: 'dana@corp.test',
      subject: 'untrained',
      text: SPAM[0],
    });
    expect((await sendMx(server.smtpPort, 'promo@casino.example', ['dana@corp.test'], before)).code).toBe(
      250,
    );
    const [untrained] = await inbox('dana@corp.test');
    const plain = await jd.mail.get('dana@corp.test', untrained?.id ?? '');
    // No model yet: no spam verdict, no X-Spam headers.
    expect(plain.headers.some((h) => h.name.toLowerCase().startsWith('x-spam'))).toBe(false);

    await runCli(['spam', 'train', '--spam', join(work, 'spam'), '--ham', join(work, 'ham')], env);
    // The server asks an untrained model's totals again at most once a second (filter/pipeline/engine-filter.ts).
    await new Promise((r) => setTimeout(r, 1100));
    const spam = await compose({
      from: 'promo@casino.example',
      to: 'dana@corp.test',
      subject: 'You won',
      text: 'Casino jackpot! Cheap viagra pills, win free money, click here to claim your prize now',
    });
    expect((await sendMx(server.smtpPort, 'promo@casino.example', ['dana@corp.test'], spam)).code).toBe(250);
    const [junked] = await inbox('dana@corp.test', 'Junk');
    expect(junked?.subject).toBe('You won');
    const detail = await jd.mail.get('dana@corp.test', junked?.id ?? '');
    const header = (name: string) => detail.headers.find((h) => h.name.toLowerCase() === name)?.value;
    expect(header('x-spam-flag')).toBe('YES');
    expect(Number(header('x-spam-score'))).toBeGreaterThan(0.5);
    expect(header('x-spam-status')).toMatch(/^Yes, score=/);
    expect(detail.filter?.verdict).toBe('junk');
    expect(detail.filter?.score).toBeCloseTo(Number(header('x-spam-score')), 2);

    const ham = await compose({
      from: 'colleague@partner.example',
      to: 'dana@corp.test',
      subject: 'meeting',
      text: 'The project meeting on Thursday: please bring the quarterly report and the budget.',
    });
    expect((await sendMx(server.smtpPort, 'colleague@partner.example', ['dana@corp.test'], ham)).code).toBe(
      250,
    );
    const delivered = (await inbox('dana@corp.test')).find((m) => m.subject === 'meeting');
    const hamDetail = await jd.mail.get('dana@corp.test', delivered?.id ?? '');
    expect(hamDetail.headers.find((h) => h.name.toLowerCase() === 'x-spam-status')?.value).toMatch(/^No, /);
    expect(hamDetail.filter?.verdict).toBe('accept');
    expect(hamDetail.filter?.score ?? 1).toBeLessThan(0.45);
  });

  describe('tagSubject (a global rule tags the one stored body)', () => {
    /** The stored raw message and REST subject of the one message to `address` with `marker` in its text. */
    async function storedCopy(address: string, marker: string) {
      const all = [...(await inbox(address)), ...(await inbox(address, 'Junk'))];
      for (const m of all) {
        const raw = Buffer.from(await jd.mail.raw(address, m.id)).toString('latin1');
        if (raw.includes(marker)) return { raw, subject: m.subject };
      }
      throw new Error(`no message with ${marker}`);
    }
    /** The top-level Subject field with its folded lines, CRLF kept. */
    const subjectField = (raw: string) => {
      const header = raw.slice(0, raw.indexOf('\r\n\r\n') + 2);
      return /^Subject:.*\r\n(?:[ \t].*\r\n)*/im.exec(header)?.[0];
    };

    it('tags a folded Subject, one spilled to a file, none, and never twice', async () => {
      await jd.users.create({ address: 'erin@corp.test', password: 'filter-password-1' });
      await jd.filter.replaceRules([
        {
          name: 'from outside',
          when: { direction: 'inbound' },
          actions: [{ action: 'tagSubject', tag: '[EXT]' }],
        },
      ]);
      const long = 'Quarterly planning notes for the project meeting on Thursday with the whole team';
      const big = Buffer.alloc(300 * 1024, 'q'); // past the store's 128 KiB inline limit: the body is in a file
      const cases = [
        { marker: 'tag-folded', subject: long, attachments: [] },
        { marker: 'tag-file', subject: long, attachments: [{ filename: 'notes.txt', content: big }] },
        { marker: 'tag-twice', subject: '[EXT] already tagged', attachments: [] },
      ];
      for (const c of cases) {
        const raw = await compose({ from: 'pm@outside.example', to: 'erin@corp.test', ...c, text: c.marker });
        const sent = subjectField(raw.toString('latin1')) ?? '';
        if (c.marker === 'tag-folded') expect(sent).toMatch(/\r\n[ \t]/); // nodemailer folded it
        expect((await sendMx(server.smtpPort, 'pm@outside.example', ['erin@corp.test'], raw)).code).toBe(250);
        const stored = await storedCopy('erin@corp.test', c.marker);
        if (c.marker === 'tag-twice') {
          expect(subjectField(stored.raw)).toBe(sent);
          expect(stored.subject).toBe('[EXT] already tagged');
        } else {
          // The original value, folding and CRLF as sent, behind the tag.
          expect(subjectField(stored.raw)).toBe(sent.replace(/^Subject: /, 'Subject: [EXT] '));
          expect(stored.subject).toBe(`[EXT] ${long}`);
        }
        // Everything else as sent: the rest of the header section and the body.
        expect(stored.raw.endsWith(raw.toString('latin1').slice(raw.indexOf('\r\n\r\n')))).toBe(true);
      }
      const none = Buffer.from('From: pm@outside.example\r\nTo: erin@corp.test\r\n\r\ntag-none\r\n');
      expect((await sendMx(server.smtpPort, 'pm@outside.example', ['erin@corp.test'], none)).code).toBe(250);
      const untitled = await storedCopy('erin@corp.test', 'tag-none');
      expect(subjectField(untitled.raw)).toBe('Subject: [EXT]\r\n');
      expect(untitled.subject).toBe('[EXT]');
    });

    it('encodes a non-ASCII tag with RFC 2047 and shows it decoded', async () => {
      await jd.filter.replaceRules([
        { name: '外部', when: { direction: 'inbound' }, actions: [{ action: 'tagSubject', tag: '[外部]' }] },
      ]);
      const raw = await compose({
        from: 'pm@outside.example',
        to: 'erin@corp.test',
        subject: '发票 March',
        text: 'tag-cjk',
      });
      expect((await sendMx(server.smtpPort, 'pm@outside.example', ['erin@corp.test'], raw)).code).toBe(250);
      const stored = await storedCopy('erin@corp.test', 'tag-cjk');
      expect(subjectField(stored.raw)).toMatch(/^Subject: =\?UTF-8\?Q\?=5B=E5=A4=96=E9=83=A8=5D/);
      expect(stored.subject).toBe('[外部] 发票 March');
      await jd.filter.replaceRules([]);
    });
  });
});
