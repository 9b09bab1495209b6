import { generateKeyPairSync } from 'node:crypto';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabases } from './harness/databases.js';
import { runCli, type TestServer } from './harness/server.js';
import { startWithAliceAndBob } from './harness/smtp-users.js';
import { startUnbound, txt, type Unbound, zonesOf } from './harness/unbound.js';

// Inbound mail authentication end to end: a jdmail MX that checks mail from
// 127.0.0.1 (mailAuth.trustedNetworks: []) and asks a real DNS server
// (unbound) serving test zones. Senders are nodemailer, which signs with its
// own DKIM implementation. The zones:
//   signed.test   SPF allows 127.0.0.1, DKIM key published, DMARC p=reject
//   reject.test   SPF allows nobody (-all), DMARC p=reject
//   quar.test     SPF allows nobody, DMARC p=quarantine
//   example.com   jdmail's own domain (no SPF/DMARC published at first)

const databases = useDatabases();
const HOSTNAME = 'mx.example.com';
const senderKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const senderPublic = senderKey.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const senderPrivate = senderKey.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

const ZONES = ['signed.test', 'reject.test', 'quar.test', 'example.com'];
const BASE_RECORDS = [
  `signed.test. 300 IN TXT ${txt('v=spf1 ip4:127.0.0.1 -all')}`,
  `sel1._domainkey.signed.test. 300 IN TXT ${txt(`v=DKIM1; k=rsa; p=${senderPublic}`)}`,
  `_dmarc.signed.test. 300 IN TXT ${txt('v=DMARC1; p=reject')}`,
  `reject.test. 300 IN TXT ${txt('v=spf1 -all')}`,
  `_dmarc.reject.test. 300 IN TXT ${txt('v=DMARC1; p=reject')}`,
  `quar.test. 300 IN TXT ${txt('v=spf1 -all')}`,
  `_dmarc.quar.test. 300 IN TXT ${txt('v=DMARC1; p=quarantine')}`,
  'mx.example.com. 300 IN A 127.0.0.1',
];

describe.each(databases.engines)('inbound mail authentication on %s', (engine) => {
  let dns: Unbound;
  let server: TestServer;
  let env: Record<string, string>;
  const api = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${server.baseUrl}/api/v1${path}`, {
      ...init,
      headers: { authorization: `Bearer ${server.adminKey}` },
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const messages = async (mailbox: string) =>
    (await api(`/users/bob@example.com/messages?mailbox=${mailbox}&limit=100`)).json.items as {
      id: string;
      subject: string;
    }[];
  const send = (
    mail: SendMailOptions,
    dkim?: { domainName: string; keySelector: string; privateKey: string },
  ) => {
    const t = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.smtpPort,
      secure: false,
      tls: { rejectUnauthorized: false },
      ...(dkim ? { dkim } : {}),
    });
    return t
      .sendMail({ to: 'bob@example.com', text: 'Hello from outside.\n', ...mail })
      .finally(() => t.close());
  };

  beforeAll(async () => {
    dns = await startUnbound(zonesOf(ZONES, BASE_RECORDS));
    const settings = {
      JDMAIL_HOSTNAME: HOSTNAME,
      JDMAIL_MAIL_AUTH_TRUSTED_NETWORKS: '[]',
      JDMAIL_DNS_SERVERS: JSON.stringify([dns.server]),
      JDMAIL_MAIL_AUTH_DKIM_KEY_BITS: '1024',
    };
    ({ server, env } = await startWithAliceAndBob(await databases.fresh(engine), settings));
    env = { ...env, ...settings };
  }, 120_000);
  afterAll(async () => {
    await server?.destroy();
    await dns?.stop();
  });

  it('passes SPF, DKIM and DMARC for a signed message from an allowed host, adds one Authentication-Results header on top, and shows the results in the message detail', async () => {
    const info = await send(
      { from: 'alice@signed.test', subject: 'signed and allowed' },
      { domainName: 'signed.test', keySelector: 'sel1', privateKey: senderPrivate },
    );
    expect(info.response).toMatch(/^250 /);
    const [item] = (await messages('INBOX')).filter((m) => m.subject === 'signed and allowed');
    expect(item).toBeDefined();
    const detail = (await api(`/users/bob@example.com/messages/${item?.id}`)).json;
    expect(detail.authentication).toMatchObject({
      spf: { result: 'pass', domain: 'signed.test' },
      dkim: [{ result: 'pass', domain: 'signed.test', selector: 'sel1', aligned: true }],
      dmarc: { result: 'pass', policy: 'reject' },
      action: 'accept',
    });
    const raw = await fetch(`${server.baseUrl}/api/v1/users/bob@example.com/messages/${item?.id}/raw`, {
      headers: { authorization: `Bearer ${server.adminKey}` },
    }).then((r) => r.text());
    // RFC 8601 §5: above every other field, ours (authserv-id = our host name) and only one.
    expect(raw.startsWith(`Authentication-Results: ${HOSTNAME};`)).toBe(true);
    expect(raw.match(/^Authentication-Results:/gim)).toHaveLength(1);
    expect(raw).toMatch(/dkim=pass[^;]*header\.i=@signed\.test header\.s=sel1/);
    expect(raw).toMatch(/spf=pass[^;]*smtp\.mailfrom=alice@signed\.test/);
    expect(raw).toMatch(/dmarc=pass[^;]*header\.from=signed\.test/);
    // The Received trace comes right below it, then the message as sent.
    expect(
      raw.split('\r\n').find((l) => /^[A-Za-z-]+:/.test(l) && !l.startsWith('Authentication-Results')),
    ).toMatch(/^Received:/);
  });

  it('refuses with 550 5.7.1 a message that fails DMARC for a p=reject domain, and stores nothing', async () => {
    const before = (await messages('INBOX')).length;
    const err = await send({ from: 'ceo@reject.test', subject: 'forged reject' }).catch((e) => e);
    expect(err.responseCode).toBe(550);
    expect(err.response).toMatch(/^550 5\.7\.1 .*DMARC.*reject\.test/);
    expect((await messages('INBOX')).length).toBe(before);
    expect((await messages('Junk')).some((m) => m.subject === 'forged reject')).toBe(false);
  });

  it('delivers a DMARC failure of a p=quarantine domain to Junk, with its results', async () => {
    const info = await send({ from: 'news@quar.test', subject: 'quarantined one' });
    expect(info.response).toMatch(/^250 /);
    expect((await messages('INBOX')).some((m) => m.subject === 'quarantined one')).toBe(false);
    const [junk] = (await messages('Junk')).filter((m) => m.subject === 'quarantined one');
    expect(junk).toBeDefined();
    const detail = (await api(`/users/bob@example.com/messages/${junk?.id}`)).json;
    expect(detail.authentication).toMatchObject({
      spf: { result: 'fail' },
      dkim: [],
      dmarc: { result: 'fail', policy: 'quarantine' },
      action: 'junk',
    });
  });

  it('refuses mail from outside claiming a local From without an aligned SPF or DKIM pass (anti-spoofing)', async () => {
    // SPF passes, but for signed.test: not the From domain.
    const err = await send({
      from: 'ceo@example.com',
      envelope: { from: 'bounce@signed.test', to: ['bob@example.com'] },
      subject: 'spoofed boss',
    }).catch((e) => e);
    expect(err.responseCode).toBe(550);
    expect(err.response).toMatch(/^550 5\.7\.1 .*local domain example\.com/);
    expect((await messages('INBOX')).some((m) => m.subject === 'spoofed boss')).toBe(false);
  });

  it('still delivers mail from a domain with no policy and no signature, with the results recorded', async () => {
    const info = await send({ from: 'someone@nowhere.invalid', subject: 'no policy' });
    expect(info.response).toMatch(/^250 /);
    const [item] = (await messages('INBOX')).filter((m) => m.subject === 'no policy');
    const detail = (await api(`/users/bob@example.com/messages/${item?.id}`)).json;
    expect(detail.authentication).toMatchObject({
      spf: { result: 'none' },
      dkim: [],
      dmarc: { result: 'none' },
    });
  });

  it('lists every DNS record to publish with its status, and finds them once published (API and CLI)', async () => {
    const before = await api('/domains/example.com/dns');
    expect(before.status).toBe(200);
    const records = before.json.records as { purpose: string; name: string; value: string; status: string }[];
    expect(records.map((r) => r.purpose)).toEqual(['mx', 'spf', 'dkim', 'dmarc', 'mta-sts', 'mta-sts-host']);
    expect(records.every((r) => r.status === 'missing')).toBe(true);
    const dkim = records.find((r) => r.purpose === 'dkim');
    // The key made when the domain was created: 1024 bits here (mailAuth.dkimKeyBits).
    expect(dkim?.name).toMatch(/^jdmail\d{6}\._domainkey\.example\.com$/);
    expect(dkim?.value).toMatch(/^v=DKIM1; k=rsa; p=MI/);
    expect(JSON.stringify(before.json)).not.toMatch(/PRIVATE KEY/);

    const published = records.map((r) =>
      r.purpose === 'mx'
        ? `${r.name}. 300 IN MX ${r.value}`
        : r.purpose === 'mta-sts-host'
          ? `${r.name}. 300 IN A 127.0.0.1`
          : `${r.name}. 300 IN TXT ${txt(r.purpose === 'dmarc' ? 'v=DMARC1; p=reject' : r.value)}`,
    );
    for (const rr of published) await dns.addRecord(rr);
    const after = (await api('/domains/example.com/dns')).json.records as {
      purpose: string;
      status: string;
    }[];
    expect(after.map((r) => [r.purpose, r.status])).toEqual([
      ['mx', 'found'],
      ['spf', 'found'],
      ['dkim', 'found'],
      ['dmarc', 'found'],
      ['mta-sts', 'found'],
      ['mta-sts-host', 'found'],
    ]);
    const cli = await runCli(['domain', 'dns', 'example.com'], env);
    expect(cli).toMatch(
      /^found +dkim +jdmail\d{6}\._domainkey\.example\.com\. 3600 IN TXT "v=DKIM1; k=rsa; p=/m,
    );
    expect(cli).toMatch(/mode: testing/);

    // A rotation makes a new key under a new selector: the published record is now the old one's.
    const rotated = await api('/domains/example.com/dkim', { method: 'POST' });
    expect(rotated.status).toBe(201);
    expect(rotated.json.selector).not.toBe(dkim?.name.split('.')[0]);
    expect(JSON.stringify(rotated.json)).not.toMatch(/PRIVATE/);
    const again = (await api('/domains/example.com/dns')).json.records as {
      purpose: string;
      status: string;
    }[];
    expect(again.find((r) => r.purpose === 'dkim')?.status).toBe('missing');
    expect((await api('/domains/nosuch.test/dns')).status).toBe(404);
  });
});
