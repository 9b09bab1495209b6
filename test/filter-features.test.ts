import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JdMail } from '@jdmail/sdk';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, useDatabases } from './harness/databases.js';
import { runCli, startServer, type TestServer } from './harness/server.js';
import { startUnbound, txt, type Unbound, zonesOf } from './harness/unbound.js';

// The spam score's mail features end to end, on both engines: a real DNS
// server (unbound) gives 127.0.0.2 a forward-confirmed PTR and vendor.test an
// SPF record allowing only 127.0.0.2; the same message sent over SMTP from
// 127.0.0.2 and from 127.0.0.3 (no PTR, SPF and DMARC fail) gets different
// verdicts, and the REST detail names each feature. Then the sender history:
// once a local user wrote to a remote address, mail from it scores lower.

const databases = useDatabases();

const compose = (options: ConstructorParameters<typeof MailComposer>[0]) =>
  new Promise<Buffer>((resolve, reject) =>
    new MailComposer(options).compile().build((err, msg) => (err ? reject(err) : resolve(msg))),
  );

async function sendFrom(localAddress: string, port: number, from: string, to: string, raw: Buffer) {
  const t = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    localAddress,
  });
  try {
    return (await t.sendMail({ envelope: { from, to: [to] }, raw })).response;
  } finally {
    t.close();
  }
}

const SPAM = [
  'Cheap pills online, casino jackpot, win money now, click here to claim your prize',
  'Casino bonus jackpot: free money, cheap pills, claim your prize, click now',
  'You won the lottery jackpot! Claim free money now, casino pills discount',
];
const HAM = [
  'Hi team, the quarterly project meeting moves to Thursday; agenda later.',
  'Please review the project report draft before the meeting on Thursday.',
  'The budget review for the quarterly report is on the agenda of the meeting.',
];

const ZONES = ['vendor.test', 'friend.test', '0.0.127.in-addr.arpa'];
const RECORDS = [
  `vendor.test. 300 IN TXT ${txt('v=spf1 ip4:127.0.0.2 -all')}`,
  `_dmarc.vendor.test. 300 IN TXT ${txt('v=DMARC1; p=none')}`,
  `friend.test. 300 IN TXT ${txt('v=spf1 ip4:127.0.0.2 -all')}`,
  '2.0.0.127.in-addr.arpa. 300 IN PTR mail.vendor.test.',
  'mail.vendor.test. 300 IN A 127.0.0.2',
];

let dns: Unbound;
let work: string;
beforeAll(async () => {
  dns = await startUnbound(zonesOf(ZONES, RECORDS));
  work = await mkdtemp(join(tmpdir(), 'jdmail-features-'));
  for (const [dir, texts, from] of [
    ['spam', SPAM, 'promo@casino.example'],
    ['ham', HAM, 'colleague@partner.example'],
  ] as const) {
    await mkdir(join(work, dir));
    for (const [i, text] of texts.entries())
      await writeFile(
        join(work, dir, `${i}.eml`),
        await compose({ from, to: 'x@corp.test', subject: 'note', text }),
      );
  }
}, 60_000);
afterAll(async () => {
  await dns?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe.each(databases.engines)('spam mail features on %s', (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let jd: JdMail;

  beforeAll(async () => {
    db = await databases.fresh(engine);
    server = await startServer({
      databaseUrl: db.databaseUrl,
      env: {
        JDMAIL_HOSTNAME: 'mx.corp.test',
        JDMAIL_MAIL_AUTH_TRUSTED_NETWORKS: '[]',
        JDMAIL_DNS_SERVERS: JSON.stringify([dns.server]),
        JDMAIL_SPAM_MIN_SPAM_LEARNED: '3',
        JDMAIL_SPAM_MIN_HAM_LEARNED: '3',
        JDMAIL_SPAM_CACHE_REFRESH_SECONDS: '0',
        // A model of three messages a class calls almost anything spam: send alice's mail whatever its score.
        JDMAIL_FILTER_OUTBOUND_SPAM: 'accept',
        // Sent mail waits in the queue: the relay is a closed port.
        JDMAIL_OUTBOUND_RELAY_HOST: '127.0.0.1',
        JDMAIL_OUTBOUND_RELAY_PORT: '1',
        JDMAIL_OUTBOUND_RELAY_REQUIRE_TLS: 'false',
      },
    });
    jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '', timeoutMs: 60_000 });
    await jd.domains.create('corp.test');
    await jd.users.create({ address: 'alice@corp.test', password: 'features-password-1' });
    const env = {
      JDMAIL_DATA_DIR: server.dataDir,
      ...(db.databaseUrl ? { JDMAIL_DATABASE_URL: db.databaseUrl } : {}),
    };
    await runCli(['spam', 'train', '--spam', join(work, 'spam'), '--ham', join(work, 'ham')], env);
  }, 120_000);
  afterAll(() => server?.destroy());

  /** The filter result and X-Spam-Status of alice's message with `subject`. */
  async function verdictOf(subject: string) {
    const page = await jd.mail.list('alice@corp.test', { mailbox: 'INBOX', limit: 100 });
    const junk = await jd.mail.list('alice@corp.test', { mailbox: 'Junk', limit: 100 });
    const found = [...page.items, ...junk.items].find((m) => m.subject === subject);
    if (!found) throw new Error(`no message ${subject}`);
    const detail = await jd.mail.get('alice@corp.test', found.id);
    const status = detail.headers.find((h) => h.name.toLowerCase() === 'x-spam-status')?.value ?? '';
    return { mailbox: junk.items.includes(found) ? 'Junk' : 'INBOX', filter: detail.filter, status };
  }

  it('junks from a client without rDNS that fails SPF and DMARC what it delivers from a confirmed one', async () => {
    // Words the model never saw: the Bayes has no evidence (0.5), the features decide.
    const text = 'Zebra quantum marmalade orbits the violet harmonica';
    for (const [ip, subject] of [
      ['127.0.0.2', 'from confirmed'],
      ['127.0.0.3', 'from nowhere'],
    ]) {
      const raw = await compose({ from: 'sales@vendor.test', to: 'alice@corp.test', subject, text });
      expect(
        await sendFrom(ip as string, server.smtpPort, 'sales@vendor.test', 'alice@corp.test', raw),
      ).toMatch(/^250/);
    }
    const good = await verdictOf('from confirmed');
    const bad = await verdictOf('from nowhere');
    expect(good.mailbox).toBe('INBOX');
    expect(good.filter?.reasons).toContain('spam feature AUTH_DMARC_PASS=-0.10');
    expect(good.filter?.reasons.some((r) => r.includes('RDNS'))).toBe(false);
    expect(good.status).toMatch(/^No, .*tests=.*AUTH_DMARC_PASS=-0\.10/);
    expect(bad.mailbox).toBe('Junk');
    expect(bad.filter?.verdict).toBe('junk');
    for (const f of [
      'AUTH_SPF_FAIL=+0.10',
      'AUTH_DMARC_FAIL=+0.15',
      'RDNS_NONE=+0.10',
      'SENDER_FIRST_TIME=+0.05',
    ])
      expect(bad.filter?.reasons).toContain(`spam feature ${f}`);
    expect(bad.status).toMatch(/^Yes, .*tests=.*RDNS_NONE=\+0\.10/);
    // The score is the Bayes score plus the features' points.
    const bayes = Number(/spam bayes ([\d.]+)/.exec(bad.filter?.reasons.join(' ') ?? '')?.[1]);
    expect(bad.filter?.score).toBeCloseTo(Math.min(1, bayes + 0.4), 3);
  });

  it('counts a remote address alice wrote to as a known sender of her domain', async () => {
    const text = 'Saffron lighthouse juggles seventeen copper umbrellas';
    const before = await compose({ from: 'pal@friend.test', to: 'alice@corp.test', subject: 'before', text });
    await sendFrom('127.0.0.2', server.smtpPort, 'pal@friend.test', 'alice@corp.test', before);
    expect((await verdictOf('before')).filter?.reasons).toContain('spam feature SENDER_FIRST_TIME=+0.05');
    await jd.mail.send('alice@corp.test', {
      to: ['pal@friend.test'],
      subject: 'hello pal',
      text: 'how are you',
    });
    const after = await compose({ from: 'pal@friend.test', to: 'alice@corp.test', subject: 'after', text });
    await sendFrom('127.0.0.2', server.smtpPort, 'pal@friend.test', 'alice@corp.test', after);
    const known = await verdictOf('after');
    expect(known.filter?.reasons).toContain('spam feature SENDER_WRITTEN_TO=-0.20');
    expect(known.filter?.score).toBeLessThan((await verdictOf('before')).filter?.score ?? 0);
  });
});
