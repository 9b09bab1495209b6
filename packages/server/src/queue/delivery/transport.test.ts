import { createServer, type Server } from 'node:https';
import { Readable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../../../test/harness/ports.js';
import { type PostfixReceiver, startPostfix } from '../../../../../test/harness/postfix.js';
import { createTestCa, type TestCa } from '../../../../../test/harness/test-ca.js';
import { startTestMta, type TestMta, type TestMtaOptions } from '../../../../../test/harness/test-mta.js';
import { startUnbound, type Unbound } from '../../../../../test/harness/unbound.js';
import type { OutboundConfig } from '../../config/outbound-schema.js';
import { createDnsResolver } from '../../dns/index.js';
import { createSmtpTransport, type DeliveryJob, type Transport } from './index.js';

// The transport against real receivers: test MTAs (smtp-server) each on its own
// 127.0.0.x (or ::1) at one shared port, found through MX records served by unbound.
let unbound: Unbound;
let ca: TestCa;
let port: number;
let stsPort: number;
let stsServer: Server;
let postfix: PostfixReceiver;
const mtas: Record<string, TestMta> = {};
const transports: Transport[] = [];

const ZONES = {
  'tls.test': ['tls.test. 300 IN MX 10 mx.tls.test.', 'mx.tls.test. 300 IN A 127.0.0.2'],
  'grey.test': ['grey.test. 300 IN MX 10 mx.grey.test.', 'mx.grey.test. 300 IN A 127.0.0.3'],
  'reject.test': ['reject.test. 300 IN MX 10 mx.reject.test.', 'mx.reject.test. 300 IN A 127.0.0.4'],
  'drop.test': ['drop.test. 300 IN MX 10 mx.drop.test.', 'mx.drop.test. 300 IN A 127.0.0.5'],
  'mixed.test': ['mixed.test. 300 IN MX 10 mx.mixed.test.', 'mx.mixed.test. 300 IN A 127.0.0.6'],
  'limits.test': ['limits.test. 300 IN MX 10 mx.limits.test.', 'mx.limits.test. 300 IN A 127.0.0.7'],
  'slow.test': ['slow.test. 300 IN MX 10 mx.slow.test.', 'mx.slow.test. 300 IN A 127.0.0.8'],
  'busy.test': ['busy.test. 300 IN MX 10 mx.busy.test.', 'mx.busy.test. 300 IN A 127.0.0.13'],
  'other.test': ['other.test. 300 IN MX 10 mx.busy.test.'],
  'v6.test': ['v6.test. 300 IN MX 10 mx.v6.test.', 'mx.v6.test. 300 IN AAAA ::1'],
  'refused.test': [
    'refused.test. 300 IN MX 10 dead.refused.test.',
    'refused.test. 300 IN MX 20 mx.tls.test.',
    'dead.refused.test. 300 IN A 127.0.0.11',
  ],
  'down.test': ['down.test. 300 IN MX 10 mx.down.test.', 'mx.down.test. 300 IN A 127.0.0.11'],
  'nullmx.test': ['nullmx.test. 300 IN MX 0 .'],
  'postfix.test': ['postfix.test. 300 IN MX 10 mx.postfix.test.', 'mx.postfix.test. 300 IN A 127.0.0.14'],
  'sts-ok.test': [
    'sts-ok.test. 300 IN MX 10 mx.sts-ok.test.',
    'mx.sts-ok.test. 300 IN A 127.0.0.9',
    '_mta-sts.sts-ok.test. 300 IN TXT "v=STSv1; id=1"',
    'mta-sts.sts-ok.test. 300 IN A 127.0.0.10',
  ],
  'sts-bad.test': [
    'sts-bad.test. 300 IN MX 10 mx.sts-bad.test.',
    'mx.sts-bad.test. 300 IN A 127.0.0.9',
    '_mta-sts.sts-bad.test. 300 IN TXT "v=STSv1; id=1"',
    'mta-sts.sts-bad.test. 300 IN A 127.0.0.10',
  ],
  'relay.test': ['smarthost.relay.test. 300 IN A 127.0.0.12'],
};

/** MTA-STS policies served at https://mta-sts.<domain>/.well-known/mta-sts.txt (one server, by Host). */
const POLICIES: Record<string, string> = {
  'mta-sts.sts-ok.test': 'version: STSv1\r\nmode: enforce\r\nmx: mx.sts-ok.test\r\nmax_age: 86400\r\n',
  'mta-sts.sts-bad.test': 'version: STSv1\r\nmode: enforce\r\nmx: mx.elsewhere.test\r\nmax_age: 86400\r\n',
};

beforeAll(async () => {
  [unbound, ca, port, stsPort] = await Promise.all([
    startUnbound(ZONES),
    createTestCa(),
    freePort(),
    freePort(),
  ]);
  const selfSigned = await ca.selfSigned(['mx.tls.test']);
  const stsCert = await ca.issue(['mx.sts-ok.test', 'mx.sts-bad.test']);
  const relayCert = await ca.issue(['smarthost.relay.test']);
  const webCert = await ca.issue(['mta-sts.sts-ok.test', 'mta-sts.sts-bad.test']);
  const postfixCert = await ca.issue(['mx.postfix.test']);
  const start = async (name: string, host: string, o: TestMtaOptions = {}) => {
    mtas[name] = await startTestMta({ host, port, ...o });
  };
  await Promise.all([
    start('tls', '127.0.0.2', { tls: selfSigned }),
    start('grey', '127.0.0.3', { behaviour: 'tempfail-first' }),
    start('reject', '127.0.0.4', { behaviour: 'reject' }),
    start('drop', '127.0.0.5', { behaviour: 'drop' }),
    start('mixed', '127.0.0.6', {
      rcpt: (a) =>
        a.startsWith('bad@')
          ? '550 5.1.1 no such user'
          : a.startsWith('full@')
            ? '452 4.2.2 mailbox full'
            : null,
    }),
    start('limits', '127.0.0.7', { size: 2000, noSmtpUtf8: true }),
    start('slow', '127.0.0.8', { holdMs: 300 }),
    start('busy', '127.0.0.13', { holdMs: 300 }),
    start('v6', '::1'),
    start('sts', '127.0.0.9', { tls: stsCert }),
    start('relay', '127.0.0.12', { tls: relayCert, auth: { user: 'relay-user', pass: 'relay-secret' } }),
  ]);
  postfix = await startPostfix({ host: '127.0.0.14', port, domains: ['postfix.test'], tls: postfixCert });
  stsServer = createServer(webCert, (req, res) => {
    const policy = POLICIES[String(req.headers.host)];
    res.writeHead(policy ? 200 : 404, { 'content-type': 'text/plain' }).end(policy ?? '');
  });
  await new Promise<void>((r) => stsServer.listen(stsPort, '127.0.0.10', () => r()));
});

afterAll(async () => {
  await Promise.all(transports.map((t) => t.close()));
  await Promise.all(Object.values(mtas).map((m) => m.stop()));
  await new Promise((r) => stsServer?.close(r));
  await postfix?.stop();
  await unbound?.stop();
  await ca?.remove();
});

function transport(overrides: Partial<OutboundConfig> = {}): Transport {
  const config: OutboundConfig = {
    port,
    heloName: 'out.jdmail.test',
    ipFamily: 'any',
    maxConnectionsPerDomain: 10,
    maxConnections: 100,
    connectTimeoutMs: 5000,
    greetingTimeoutMs: 10_000,
    socketTimeoutMs: 20_000,
    idleTimeoutMs: 10_000,
    maxMessagesPerConnection: 100,
    mtaSts: true,
    mtaStsPort: stsPort,
    caFile: '',
    relay: {
      host: '',
      port: 587,
      implicitTls: false,
      requireTls: true,
      user: '',
      password: '',
      passwordEnv: '',
    },
    ...overrides,
  };
  const dns = createDnsResolver({
    config: {
      servers: [unbound.server],
      timeoutMs: 3000,
      cacheSize: 1000,
      minTtlSeconds: 5,
      maxTtlSeconds: 3600,
      maxNegativeTtlSeconds: 300,
    },
  });
  const t = createSmtpTransport({
    config,
    dns,
    hostname: 'jdmail.test',
    log: pino({ level: 'silent' }),
    ca: [ca.caPem],
  });
  transports.push(t);
  return t;
}

let counter = 0;
function job(domain: string, recipients: string[], o: Partial<DeliveryJob> = {}): DeliveryJob {
  const id = `job-${++counter}`;
  const text = `From: a@jdmail.test\r\nTo: ${recipients.join(', ')}\r\nSubject: ${id}\r\nMessage-ID: <${id}@jdmail.test>\r\n\r\nHello ${id}.\r\n`;
  return {
    id,
    domain,
    mailFrom: 'sender@jdmail.test',
    recipients,
    size: Buffer.byteLength(text),
    smtputf8: false,
    body: () => Readable.from([Buffer.from(text)]),
    ...o,
  };
}

describe('SMTP transport against test MTAs', () => {
  it('delivers over STARTTLS when offered, even with a certificate that does not verify, and says EHLO with heloName', async () => {
    const t = transport();
    const result = await t.deliver(job('tls.test', ['one@tls.test']));
    expect(result.tls).toBe(true);
    expect(result.recipients).toEqual([
      expect.objectContaining({
        address: 'one@tls.test',
        status: 'delivered',
        code: 250,
        remoteHost: 'mx.tls.test',
      }),
    ]);
    const got = mtas.tls?.received.find((m) => m.rcptTo.includes('one@tls.test'));
    expect(got?.tls).toBe(true);
    expect(got?.mailFrom).toBe('sender@jdmail.test');
    expect(got?.data.toString()).toContain('Hello ');
    expect(mtas.tls?.heloNames).toContain('out.jdmail.test');
  });

  it('reuses one connection for several jobs to one destination', async () => {
    const t = transport();
    const before = mtas.slow?.connections ?? 0;
    const a = await t.deliver(job('slow.test', ['a@slow.test']));
    const b = await t.deliver(job('slow.test', ['b@slow.test']));
    expect([a.recipients[0]?.status, b.recipients[0]?.status]).toEqual(['delivered', 'delivered']);
    expect((mtas.slow?.connections ?? 0) - before).toBe(1);
    const conns = mtas.slow?.received.filter((m) =>
      ['a@slow.test', 'b@slow.test'].includes(m.rcptTo[0] ?? ''),
    );
    expect(new Set(conns?.map((m) => m.connection)).size).toBe(1);
  });

  it('keeps to maxConnectionsPerDomain when many jobs go to one domain at once', async () => {
    const t = transport({ maxConnectionsPerDomain: 2 });
    const mta = mtas.busy as TestMta;
    const jobs = Array.from({ length: 6 }, (_, i) => job('busy.test', [`p${i}@busy.test`]));
    const results = await Promise.all(jobs.map((j) => t.deliver(j)));
    expect(results.flatMap((r) => r.recipients.map((x) => x.status))).toEqual(Array(6).fill('delivered'));
    expect(mta.received).toHaveLength(6);
    // Each message is held 300 ms: six at once would open six connections without the limit.
    expect(mta.maxConcurrent).toBe(2);
    expect(mta.connections).toBe(2);
  });

  it('keeps to maxConnections across domains', async () => {
    const mta = mtas.busy as TestMta;
    await Promise.all(transports.splice(0).map((t) => t.close()));
    for (let i = 0; i < 100 && mta.open > 0; i++) await new Promise((r) => setTimeout(r, 20));
    mta.maxConcurrent = 0;
    // busy.test and other.test share one MX: what it sees at once is what jdmail has open.
    const t = transport({ maxConnections: 1, idleTimeoutMs: 0 });
    const results = await Promise.all([
      t.deliver(job('busy.test', ['q1@busy.test'])),
      t.deliver(job('other.test', ['q2@other.test'])),
      t.deliver(job('busy.test', ['q3@busy.test'])),
    ]);
    expect(results.map((r) => r.recipients[0]?.status)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(mta.maxConcurrent).toBe(1);
  });

  it('classifies 4xx then 250 (greylisting), 5xx after DATA, and a connection dropped mid-DATA', async () => {
    const t = transport();
    const first = await t.deliver(job('grey.test', ['g@grey.test']));
    expect(first.recipients[0]).toMatchObject({ status: 'deferred', code: 451, enhanced: '4.7.1' });
    expect(first.recipients[0]?.response).toContain('greylisted');
    const second = await t.deliver(job('grey.test', ['g@grey.test']));
    expect(second.recipients[0]).toMatchObject({ status: 'delivered', code: 250 });

    const rejected = await t.deliver(job('reject.test', ['r@reject.test']));
    expect(rejected.recipients[0]).toMatchObject({ status: 'failed', code: 554, enhanced: '5.7.1' });

    const dropped = await t.deliver(job('drop.test', ['d@drop.test']));
    expect(dropped.recipients[0]).toMatchObject({
      status: 'deferred',
      code: null,
      remoteHost: 'mx.drop.test',
    });
    expect(mtas.drop?.attempts).toBeGreaterThanOrEqual(1);
    expect(mtas.drop?.received).toHaveLength(0);
  });

  it('keeps each recipient its own RCPT answer', async () => {
    const t = transport();
    const result = await t.deliver(job('mixed.test', ['ok@mixed.test', 'bad@mixed.test', 'full@mixed.test']));
    const by = Object.fromEntries(result.recipients.map((r) => [r.address, r]));
    expect(by['ok@mixed.test']).toMatchObject({ status: 'delivered', code: 250 });
    expect(by['bad@mixed.test']).toMatchObject({ status: 'failed', code: 550, enhanced: '5.1.1' });
    expect(by['full@mixed.test']).toMatchObject({ status: 'deferred', code: 452, enhanced: '4.2.2' });
    expect(mtas.mixed?.received.at(-1)?.rcptTo).toEqual(['ok@mixed.test']);
  });

  it("refuses locally what the peer's SIZE forbids and a message needing SMTPUTF8 to a server without it", async () => {
    const t = transport();
    const big = await t.deliver(job('limits.test', ['x@limits.test'], { size: 5000 }));
    expect(big.recipients[0]).toMatchObject({ status: 'failed', enhanced: '5.3.4' });
    const utf8 = await t.deliver(job('limits.test', ['y@limits.test'], { smtputf8: true }));
    expect(utf8.recipients[0]).toMatchObject({ status: 'failed', enhanced: '5.6.7' });
    expect(mtas.limits?.attempts).toBe(0);
    const fits = await t.deliver(job('limits.test', ['z@limits.test']));
    expect(fits.recipients[0]?.status).toBe('delivered');
  });

  it('fails a null MX domain at once (5.1.10), tries the next MX when one refuses connections, defers when none answers', async () => {
    const t = transport({ connectTimeoutMs: 2000 });
    const nullMx = await t.deliver(job('nullmx.test', ['n@nullmx.test']));
    expect(nullMx.recipients[0]).toMatchObject({ status: 'failed', enhanced: '5.1.10', code: null });
    const fallback = await t.deliver(job('refused.test', ['f@refused.test']));
    expect(fallback.recipients[0]).toMatchObject({ status: 'delivered', remoteHost: 'mx.tls.test' });
    const down = await t.deliver(job('down.test', ['d@down.test']));
    expect(down.recipients[0]).toMatchObject({ status: 'deferred', code: null, remoteHost: 'mx.down.test' });
  });

  it('delivers over IPv6 (::1), and with ipFamily ipv4 finds no address for an IPv6-only MX', async () => {
    const six = await transport().deliver(job('v6.test', ['six@v6.test']));
    expect(six.recipients[0]).toMatchObject({ status: 'delivered', remoteHost: 'mx.v6.test' });
    expect(mtas.v6?.received.at(-1)?.rcptTo).toEqual(['six@v6.test']);
    const four = await transport({ ipFamily: 'ipv4' }).deliver(job('v6.test', ['four@v6.test']));
    expect(four.recipients[0]).toMatchObject({ status: 'deferred', enhanced: '4.4.4' });
  });

  it('MTA-STS enforce: delivers over verified TLS to a listed MX, refuses an MX not in the policy', async () => {
    const t = transport();
    const ok = await t.deliver(job('sts-ok.test', ['s@sts-ok.test']));
    expect(ok).toMatchObject({ tls: true, recipients: [{ status: 'delivered' }] });
    const received = (mtas.sts as TestMta).received.length;
    const bad = await t.deliver(job('sts-bad.test', ['s@sts-bad.test']));
    expect(bad.recipients[0]).toMatchObject({ status: 'deferred', enhanced: '4.7.5' });
    expect((mtas.sts as TestMta).received).toHaveLength(received);
    // With MTA-STS off, the same MX is used.
    const off = await transport({ mtaSts: false }).deliver(job('sts-bad.test', ['s@sts-bad.test']));
    expect(off.recipients[0]?.status).toBe('delivered');
  });

  it('relays through a smarthost with STARTTLS (verified) and AUTH', async () => {
    const relay = {
      host: 'smarthost.relay.test',
      port,
      implicitTls: false,
      requireTls: true,
      user: 'relay-user',
      password: 'relay-secret',
      passwordEnv: '',
    };
    const result = await transport({ relay }).deliver(job('anywhere.example', ['far@anywhere.example']));
    expect(result).toMatchObject({
      tls: true,
      recipients: [{ status: 'delivered', remoteHost: 'smarthost.relay.test' }],
    });
    expect(mtas.relay?.received.at(-1)).toMatchObject({
      rcptTo: ['far@anywhere.example'],
      user: 'relay-user',
      tls: true,
    });
    const wrong = await transport({ relay: { ...relay, password: 'nope' } }).deliver(
      job('anywhere.example', ['w@anywhere.example']),
    );
    // A refused login defers (as Postfix's smtp_sasl_auth_soft_bounce): a wrong password must not bounce the mail.
    expect(wrong.recipients[0]).toMatchObject({ status: 'deferred', code: 535 });
  });

  it('delivers to a real Postfix over STARTTLS, two messages on one connection', async () => {
    const connects = () => postfix.log().match(/smtpd\[\d+\]: connect from/g)?.length ?? 0;
    const before = connects(); // the harness's readiness probe
    const t = transport();
    const a = await t.deliver(job('postfix.test', ['one@postfix.test', 'two@postfix.test']));
    const b = await t.deliver(job('postfix.test', ['three@postfix.test'], { mailFrom: '' }));
    expect(a.tls).toBe(true);
    expect(a.recipients.map((r) => [r.status, r.code])).toEqual([
      ['delivered', 250],
      ['delivered', 250],
    ]);
    expect(b.recipients[0]).toMatchObject({ status: 'delivered', code: 250, enhanced: '2.0.0' });
    const messages = await postfix.waitDelivered(3);
    expect(messages).toHaveLength(3);
    expect(messages.join('\n')).toMatch(/Received: from out\.jdmail\.test .*\n?.*with ESMTPS/);
    // smtpd logs each client connection once: both messages came over one.
    expect(connects() - before).toBe(1);
  });
});
