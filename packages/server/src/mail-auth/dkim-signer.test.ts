import { generateKeyPairSync } from 'node:crypto';
import { Readable } from 'node:stream';
import { dkimVerify } from 'mailauth';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../telemetry/index.js';
import type { SigningKey } from './dkim-keys.js';
import { createDkimSigner } from './dkim-signer.js';

const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
const key: SigningKey = {
  selector: 'jdmail202607',
  algorithm: 'rsa-sha256',
  privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
};
const record = `v=DKIM1; k=rsa; p=${pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;

/** DNS as the verifier sees it: the key's TXT record at `<selector>._domainkey.example.com`, nothing else. */
const resolver = async (name: string, type: string) => {
  if (type === 'TXT' && name === 'jdmail202607._domainkey.example.com') return [[record]];
  throw Object.assign(new Error(`no ${type} for ${name}`), { code: 'ENOTFOUND' });
};

const message = Buffer.from(
  'From: Alice <alice@example.com>\r\nTo: bob@partner.test\r\nSubject: Quarterly report\r\n' +
    'Date: Mon, 06 Jul 2026 10:00:00 +0800\r\nMessage-ID: <q3@example.com>\r\n\r\nNumbers attached.  \r\n\r\n',
);

const signer = createDkimSigner({
  keys: { signingKey: async (d) => (d === 'example.com' ? key : null) },
  log: createLogger({ level: 'silent' }),
});

describe('DKIM signer', () => {
  it('signs with the domain’s key, relaxed/relaxed, and mailauth’s verifier passes the result', async () => {
    const header = await signer.sign({ fromDomain: 'Example.COM', body: () => Readable.from([message]) });
    expect(header).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=example\.com;/);
    expect(header).toMatch(/s=jdmail202607;/);
    expect(header?.endsWith('\r\n')).toBe(true);
    const verified = await dkimVerify(Buffer.concat([Buffer.from(header as string), message]), { resolver });
    expect(verified.results.map((r) => [r.status.result, r.signingDomain])).toEqual([
      ['pass', 'example.com'],
    ]);
  });

  it('survives what relaxed canonicalization allows, and fails once the body changes', async () => {
    const header = (await signer.sign({
      fromDomain: 'example.com',
      body: () => Readable.from([message]),
    })) as string;
    // A relay refolding a header and dropping trailing spaces (RFC 6376 §3.4.2, §3.4.4).
    const relayed = Buffer.from(
      header +
        message
          .toString()
          .replace('Subject: Quarterly report', 'Subject:   Quarterly\r\n report')
          .replace('attached.  ', 'attached.'),
    );
    expect((await dkimVerify(relayed, { resolver })).results[0]?.status.result).toBe('pass');
    const altered = Buffer.from(header + message.toString().replace('Numbers', 'Other numbers'));
    expect((await dkimVerify(altered, { resolver })).results[0]?.status.result).not.toBe('pass');
  });

  it('answers null for a domain without a key, and never puts the private key in the header', async () => {
    expect(await signer.sign({ fromDomain: 'other.test', body: () => Readable.from([message]) })).toBeNull();
    const header = await signer.sign({ fromDomain: 'example.com', body: () => Readable.from([message]) });
    expect(header).not.toMatch(/PRIVATE/);
  });
});
