import { once } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import { JdMail } from '@jdmail/sdk';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from './harness/databases.js';
import { runCli, startServer, type TestServer } from './harness/server.js';
import { submissionTransport } from './harness/smtp-users.js';
import { startTestMta, type TestMta } from './harness/test-mta.js';
import { startUnbound, txt, type Unbound, zonesOf } from './harness/unbound.js';

// Issue 23 end to end: two real jdmail servers on one machine, talking through DNS (unbound).
//   A (127.0.0.1, mx.a.test) sends for a.test and q.test: signs with the DKIM key it made for
//     each domain; the zones publish what `GET /domains/{name}/dns` tells the admin to publish
//     (a.test with DMARC p=reject, q.test with the suggested p=quarantine).
//   B (127.0.0.2, mx.b.test) is b.test's MX and checks mail from anyone (trustedNetworks []).
//   grey.test's MX (127.0.0.3) answers 4xx first, then 250; smug.test's MX (127.0.0.4) counts
//     the messages it gets. All MXs listen on B's SMTP port: A's outbound.port.
// A holds the queue, so A runs on both engines; B stays on SQLite.

const databases = useDatabases();

const ZONES = ['a.test', 'q.test', 'b.test', 'grey.test', 'smug.test'];
const BASE_RECORDS = [
  'mx.a.test. 300 IN A 127.0.0.1',
  'b.test. 300 IN MX 10 mx.b.test.',
  'mx.b.test. 300 IN A 127.0.0.2',
  'grey.test. 300 IN MX 10 mx.grey.test.',
  'mx.grey.test. 300 IN A 127.0.0.3',
  'smug.test. 300 IN MX 10 mx.smug.test.',
  'mx.smug.test. 300 IN A 127.0.0.4',
];

interface DnsRecord {
  purpose: string;
  name: string;
  value: string;
}

/** Zone lines for what A tells the admin to publish (MX, SPF, DKIM, DMARC), `p=` as given. */
function published(records: DnsRecord[], policy: string | null): string[] {
  return records.flatMap((r) => {
    if (r.purpose === 'mx') return [`${r.name}. 300 IN MX ${r.value}`];
    if (r.purpose === 'spf' || r.purpose === 'dkim') return [`${r.name}. 300 IN TXT ${txt(r.value)}`];
    if (r.purpose === 'dmarc') {
      const value = policy ? r.value.replace(/p=\w+/, `p=${policy}`) : r.value;
      return [`${r.name}. 300 IN TXT ${txt(value)}`];
    }
    return [];
  });
}

/** Waits until `probe` returns something truthy (the queue and the trace move on their own). */
async function eventually<T>(probe: () => Promise<T | undefined | false>, what: string, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A bare submission client (STARTTLS, AUTH PLAIN) that writes DATA exactly as given: bare LFs
 * and `<LF>.<LF>` included, which nodemailer and smtplib would have turned into CRLF.
 */
async function rawSubmit(port: number, user: string, pass: string, to: string, data: string) {
  const plain = net.connect({ port, host: '127.0.0.1' });
  await once(plain, 'connect');
  let socket: net.Socket = plain;
  let buf = '';
  const onData = (d: Buffer) => {
    buf += d.toString('latin1');
  };
  socket.on('data', onData);
  const reply = async () => {
    for (let i = 0; i < 200; i++) {
      const m = /^(?:\d{3}-[^\r\n]*\r\n)*(\d{3}) [^\r\n]*\r\n/.exec(buf);
      if (m) {
        buf = buf.slice(m[0].length);
        return m[0];
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no reply; have ${JSON.stringify(buf)}`);
  };
  const command = async (line: string) => {
    socket.write(`${line}\r\n`);
    return reply();
  };
  await reply();
  await command('EHLO client.test');
  expect(await command('STARTTLS')).toMatch(/^220 /);
  plain.off('data', onData);
  socket = tls.connect({ socket: plain, rejectUnauthorized: false });
  await once(socket, 'secureConnect');
  socket.on('data', onData);
  await command('EHLO client.test');
  const auth = Buffer.from(`\0${user}\0${pass}`).toString('base64');
  expect(await command(`AUTH PLAIN ${auth}`)).toMatch(/^235 /);
  expect(await command(`MAIL FROM:<${user}>`)).toMatch(/^250 /);
  expect(await command(`RCPT TO:<${to}>`)).toMatch(/^250 /);
  expect(await command('DATA')).toMatch(/^354 /);
  socket.write(data);
  const answer = await command('.');
  await command('QUIT');
  socket.destroy();
  return answer;
}

describe.each(databases.engines)('outbound round trip, A on %s', (engine) => {
  let dns: Unbound;
  let a: TestServer;
  let b: TestServer;
  let grey: TestMta;
  let smug: TestMta;
  let jdA: JdMail;
  let jdB: JdMail;
  let cliEnv: Record<string, string>;

  beforeAll(async () => {
    dns = await startUnbound(zonesOf(ZONES, BASE_RECORDS));
    const common = {
      JDMAIL_DNS_SERVERS: JSON.stringify([dns.server]),
      JDMAIL_MAIL_AUTH_DKIM_KEY_BITS: '1024',
    };
    b = await startServer({
      env: {
        ...common,
        JDMAIL_HOST: '127.0.0.2',
        JDMAIL_HOSTNAME: 'mx.b.test',
        JDMAIL_MAIL_AUTH_TRUSTED_NETWORKS: '[]',
      },
    });
    grey = await startTestMta({ host: '127.0.0.3', port: b.smtpPort, behaviour: 'tempfail-first' });
    smug = await startTestMta({ host: '127.0.0.4', port: b.smtpPort });
    const db = await databases.fresh(engine);
    a = await startServer({
      databaseUrl: db.databaseUrl,
      env: {
        ...common,
        JDMAIL_HOSTNAME: 'mx.a.test',
        JDMAIL_OUTBOUND_PORT: String(b.smtpPort),
        JDMAIL_QUEUE_POLL_SECONDS: '0.5',
      },
    });
    cliEnv = {
      ...common,
      JDMAIL_HOSTNAME: 'mx.a.test',
      JDMAIL_DATA_DIR: a.dataDir,
      ...(db.databaseUrl ? { JDMAIL_DATABASE_URL: db.databaseUrl } : {}),
    };
    jdA = new JdMail({ baseUrl: a.baseUrl, token: a.adminKey ?? '', maxRetries: 0 });
    jdB = new JdMail({ baseUrl: b.baseUrl, token: b.adminKey ?? '', maxRetries: 0 });
    await jdB.domains.create('b.test');
    await jdB.users.create({ address: 'bob@b.test', password: 'bob-password-1' });
    const zones: string[] = [];
    for (const [domain, policy] of [
      ['a.test', 'reject'],
      ['q.test', null],
    ] as const) {
      await jdA.domains.create(domain);
      const res = await fetch(`${a.baseUrl}/api/v1/domains/${domain}/dns`, {
        headers: { authorization: `Bearer ${a.adminKey}` },
      });
      zones.push(...published(((await res.json()) as { records: DnsRecord[] }).records, policy));
    }
    for (const address of ['alice@a.test', 'news@q.test']) {
      await jdA.users.create({ address, password: 'user-password-1' });
    }
    for (const rr of zones) await dns.addRecord(rr);
  }, 180_000);
  afterAll(async () => {
    await a?.destroy();
    await b?.destroy();
    await grey?.stop();
    await smug?.stop();
    await dns?.stop();
  });

  const inbox = async (jd: JdMail, user: string, mailbox = 'INBOX') =>
    (await jd.mail.list(user, { mailbox, limit: 200 })).items;
  const received = (subject: string, mailbox = 'INBOX') =>
    eventually(
      async () => (await inbox(jdB, 'bob@b.test', mailbox)).find((m) => m.subject === subject),
      `“${subject}” in bob's ${mailbox}`,
    );
  const queueOf = async (sender: string) => (await jdA.queue.list({ sender, limit: 200 })).items;
  const traceOf = (messageId: string, until: string) =>
    eventually(async () => {
      const items = (await jdA.queue.trace({ messageId, limit: 100 })).items;
      return items.some((e) => e.event === until) && items;
    }, `the ${until} event of ${messageId}`);

  it('the zones hold what `jdmail domain dns` prints', async () => {
    const cli = await runCli(['domain', 'dns', 'a.test'], cliEnv);
    for (const purpose of ['mx', 'spf', 'dkim', 'dmarc']) {
      expect(cli).toMatch(new RegExp(`^found +${purpose} `, 'm'));
    }
  });

  it('A signs and delivers to B (submission and the send API): dkim, spf and dmarc pass at B; the queue empties; the trace shows queued → delivered with B’s answer', async () => {
    const mailer = submissionTransport(a, 'alice@a.test', 'user-password-1');
    const submitted = await mailer.sendMail({
      from: 'alice@a.test',
      to: 'bob@b.test',
      subject: 'by submission',
      text: 'Hello B, from Outlook.',
    });
    mailer.close();
    const sent = await jdA.mail.send('alice@a.test', {
      to: ['bob@b.test'],
      subject: 'by the send API',
      text: 'Hello B, from the OA system.',
    });

    for (const [subject, messageId] of [
      ['by submission', submitted.messageId],
      ['by the send API', sent.messageId],
    ] as const) {
      const item = await received(subject);
      const detail = (await jdB.mail.get('bob@b.test', item.id)) as unknown as Record<string, unknown>;
      expect(detail.authentication).toMatchObject({
        spf: { result: 'pass', domain: 'a.test' },
        dkim: [{ result: 'pass', domain: 'a.test', aligned: true }],
        dmarc: { result: 'pass', policy: 'reject' },
        action: 'accept',
      });
      const raw = Buffer.from(await jdB.mail.raw('bob@b.test', item.id)).toString();
      expect(raw.startsWith('Authentication-Results: mx.b.test;')).toBe(true);
      expect(raw).toMatch(/dkim=pass[^;]*header\.i=@a\.test header\.s=jdmail\d{6}/);
      expect(raw).toMatch(/spf=pass[^;]*smtp\.mailfrom=alice@a\.test/);
      expect(raw).toMatch(/dmarc=pass[^;]*header\.from=a\.test/);

      const hops = await traceOf(messageId, 'delivered');
      const events = hops.map((e) => e.event);
      expect(events).toContain('queued');
      const delivered = hops.find((e) => e.event === 'delivered');
      expect(delivered).toMatchObject({ sender: 'alice@a.test', recipient: 'bob@b.test' });
      expect(delivered?.detail).toMatchObject({ code: 250, remoteHost: 'mx.b.test' });
      expect(delivered?.detail?.response).toBeTruthy();
      // Newest first: delivered after queued.
      expect(events.indexOf('delivered')).toBeLessThan(events.indexOf('queued'));
    }
    await eventually(async () => (await queueOf('alice@a.test')).length === 0, 'an empty queue');
  });

  it('a forged a.test message (p=reject) sent straight to B from a host SPF does not allow is refused 550 5.7.1; a q.test one (p=quarantine) goes to Junk', async () => {
    const forge = (from: string, subject: string) => {
      const t = nodemailer.createTransport({
        host: '127.0.0.2',
        port: b.smtpPort,
        secure: false,
        localAddress: '127.0.0.5',
        tls: { rejectUnauthorized: false },
      });
      return t
        .sendMail({ from, to: 'bob@b.test', subject, text: 'Pay this invoice.' })
        .finally(() => t.close());
    };
    const err = await forge('ceo@a.test', 'forged reject').catch((e) => e);
    expect(err.responseCode).toBe(550);
    expect(err.response).toMatch(/^550 5\.7\.1 .*DMARC/);
    expect((await inbox(jdB, 'bob@b.test')).some((m) => m.subject === 'forged reject')).toBe(false);

    const info = await forge('news@q.test', 'forged quarantine');
    expect(info.response).toMatch(/^250 /);
    const junk = await received('forged quarantine', 'Junk');
    expect((await inbox(jdB, 'bob@b.test')).some((m) => m.subject === 'forged quarantine')).toBe(false);
    const detail = (await jdB.mail.get('bob@b.test', junk.id)) as unknown as Record<string, unknown>;
    expect(detail.authentication).toMatchObject({
      spf: { result: 'fail' },
      dmarc: { result: 'fail', policy: 'quarantine' },
      action: 'junk',
    });
  });

  it('a recipient B refuses at RCPT bounces to the sender’s INBOX as an RFC 3464 report in Chinese and English, once', async () => {
    const sent = await jdA.mail.send('alice@a.test', {
      to: ['nobody@b.test'],
      subject: 'to a stranger',
      text: 'Are you there?',
    });
    const bounce = await eventually(
      async () => (await inbox(jdA, 'alice@a.test')).find((m) => m.subject.startsWith('退信')),
      'the bounce',
    );
    expect(bounce.subject).toBe('退信：邮件无法投递 / Undelivered Mail Returned to Sender');
    const raw = Buffer.from(await jdA.mail.raw('alice@a.test', bounce.id)).toString();
    expect(raw).toMatch(/^From: Mail Delivery System <MAILER-DAEMON@mx\.a\.test>/m);
    expect(raw).toMatch(/^Auto-Submitted: auto-replied/m);
    expect(raw).toMatch(/Content-Type: multipart\/report; report-type=delivery-status;/);
    expect(raw).toMatch(/^In-Reply-To: <[^>]+>/m);
    const status = /Content-Type: message\/delivery-status\r\n\r\n([\s\S]*?)\r\n--/.exec(raw)?.[1] ?? '';
    expect(status).toMatch(/^Reporting-MTA: dns; mx\.a\.test\r\n/);
    expect(status).toContain('Final-Recipient: rfc822; nobody@b.test');
    expect(status).toContain('Action: failed');
    expect(status).toMatch(/Status: 5\.1\.\d/);
    expect(status).toContain('Remote-MTA: dns; mx.b.test');
    expect(status).toMatch(/Diagnostic-Code: smtp; 550 /);
    const headers = /Content-Type: text\/rfc822-headers\r\n[^\r]*\r\n\r\n([\s\S]*?)--/.exec(raw)?.[1] ?? '';
    expect(headers).toContain(`Message-ID: ${sent.messageId}`);
    expect(headers).toContain('Subject: to a stranger');
    const detail = (await jdA.mail.get('alice@a.test', bounce.id)) as unknown as { text?: string };
    expect(detail.text).toContain('未能投递');
    expect(detail.text).toContain('could not be delivered');
    expect(detail.text).toContain('nobody@b.test');

    // No loop: nothing waits in the queue, the trace says bounced, and one bounce only.
    const hops = await traceOf(sent.messageId, 'bounced');
    expect(hops.find((e) => e.event === 'failed')).toMatchObject({ recipient: 'nobody@b.test' });
    await new Promise((r) => setTimeout(r, 1500));
    expect((await jdA.queue.list({ limit: 200 })).items).toEqual([]);
    const bounces = (await inbox(jdA, 'alice@a.test')).filter((m) => m.subject.startsWith('退信'));
    expect(bounces).toHaveLength(1);
  });

  it('a remote that answers 4xx first is delivered on retry (POST /queue/{id}/retry)', async () => {
    const sent = await jdA.mail.send('alice@a.test', {
      to: ['partner@grey.test'],
      subject: 'greylisted',
      text: 'Try again.',
    });
    const deferred = await eventually(async () => {
      const [entry] = await queueOf('alice@a.test');
      return entry?.state === 'deferred' && entry;
    }, 'the deferred entry');
    expect(deferred.lastError).toMatchObject({ code: 451, enhanced: '4.7.1' });
    expect(grey.received).toHaveLength(0);
    await jdA.queue.retry(deferred.id);
    await eventually(async () => grey.received.length === 1, 'the retried delivery');
    await eventually(async () => (await queueOf('alice@a.test')).length === 0, 'an empty queue');
    const hops = await traceOf(sent.messageId, 'delivered');
    expect(hops.map((e) => e.event)).toEqual(expect.arrayContaining(['queued', 'deferred', 'delivered']));
    expect(hops.find((e) => e.event === 'deferred')?.detail).toMatchObject({ code: 451 });
    expect(grey.attempts).toBe(2);
  });

  it('no SMTP smuggling: bare LF and <LF>.<LF> in a submission (and the send API) reach the remote as one CRLF-only message', async () => {
    const smuggled =
      'MAIL FROM:<evil@a.test>\r\nRCPT TO:<victim@smug.test>\r\nDATA\r\nSubject: smuggled\r\n\r\nevil\r\n';
    const body = [
      'bare LF line\n',
      `one\n.\n${smuggled}`,
      `two\r.\r${smuggled}`,
      `three\n.\r\n${smuggled}`,
    ].join('');
    const data = `From: alice@a.test\r\nTo: x@smug.test\r\nSubject: smuggle\r\nMessage-ID: <smuggle@a.test>\r\n\r\n${body}end\r\n`;
    expect(await rawSubmit(a.submissionPort, 'alice@a.test', 'user-password-1', 'x@smug.test', data)).toMatch(
      /^250 /,
    );
    await jdA.mail.send('alice@a.test', {
      to: ['y@smug.test'],
      subject: 'smuggle by API',
      text: `api\n.\n${smuggled}end\n`,
    });
    await eventually(async () => smug.received.length >= 2, 'two messages at the remote');
    await new Promise((r) => setTimeout(r, 1500));
    expect(smug.received).toHaveLength(2);
    expect(smug.received.flatMap((m) => m.rcptTo).sort()).toEqual(['x@smug.test', 'y@smug.test']);
    expect(smug.attempts).toBe(2);
    for (const m of smug.received) {
      expect(m.rcptTo).toHaveLength(1);
      const text = m.data.toString('latin1');
      expect(text.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
      // The lookalike is an ordinary line holding a dot, in the one message.
      expect(text).toContain('\r\n.\r\nMAIL FROM:<evil@a.test>\r\n');
    }
    expect(smug.received.find((m) => m.rcptTo[0] === 'x@smug.test')?.data.toString()).toContain(
      'bare LF line\r\n',
    );
  });
});
