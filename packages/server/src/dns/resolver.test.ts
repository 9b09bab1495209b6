import { spf } from 'mailauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUnbound, type Unbound } from '../../../../test/harness/unbound.js';
import type { DnsConfig } from '../config/dns-schema.js';
import { createDnsResolver } from './index.js';

// Real unbound serving test zones; the cache's clock is ours, so TTLs are tested without sleeping.
let unbound: Unbound;
const LONG_TXT = Array.from({ length: 8 }, (_, i) => `"${String(i).repeat(250)}"`).join(' ');

beforeAll(async () => {
  unbound = await startUnbound({
    'example.test': [
      'example.test. 300 IN MX 20 mx2.example.test.',
      'example.test. 300 IN MX 10 mx1.example.test.',
      'example.test. 300 IN TXT "v=spf1 ip4:127.0.0.1" " -all"',
      'spf.example.test. 300 IN TXT "v=spf1 a:mx1.example.test mx:example.test -all"',
      'mx1.example.test. 300 IN A 127.0.0.2',
      'mx1.example.test. 300 IN AAAA ::1',
      'alias.example.test. 120 IN CNAME mx1.example.test.',
      'ttl30.example.test. 30 IN A 127.0.0.30',
      'ttl1.example.test. 1 IN A 127.0.0.31',
      `big.example.test. 300 IN TXT ${LONG_TXT}`,
    ],
    '10.in-addr.arpa': ['1.0.0.10.in-addr.arpa. 300 IN PTR mx1.example.test.'],
    'null.test': ['null.test. 300 IN MX 0 .'],
  });
});
afterAll(async () => {
  await unbound?.stop();
});

function resolverWithClock(overrides: Partial<DnsConfig> = {}) {
  let now = 1_000_000;
  const config: DnsConfig = {
    servers: [unbound.server],
    timeoutMs: 3000,
    cacheSize: 100,
    minTtlSeconds: 5,
    maxTtlSeconds: 3600,
    maxNegativeTtlSeconds: 300,
    ...overrides,
  };
  const dns = createDnsResolver({ config, now: () => now });
  return { dns, advance: (seconds: number) => (now += seconds * 1000) };
}

describe('DnsResolver against unbound', () => {
  it('answers in the shapes of node:dns', async () => {
    const { dns } = resolverWithClock();
    const mx = (await dns.resolve('example.test', 'MX')) as { exchange: string; priority: number }[];
    expect(mx.sort((a, b) => a.priority - b.priority)).toEqual([
      { exchange: 'mx1.example.test', priority: 10 },
      { exchange: 'mx2.example.test', priority: 20 },
    ]);
    expect(await dns.resolve('mx1.example.test', 'A')).toEqual(['127.0.0.2']);
    expect(await dns.resolve('MX1.Example.Test.', 'AAAA')).toEqual(['::1']);
    expect(await dns.resolve('example.test', 'TXT')).toEqual([['v=spf1 ip4:127.0.0.1', ' -all']]);
    expect(await dns.resolve('alias.example.test', 'A')).toEqual(['127.0.0.2']);
    expect(await dns.resolve('alias.example.test', 'CNAME')).toEqual(['mx1.example.test']);
    expect(await dns.resolve('1.0.0.10.in-addr.arpa', 'PTR')).toEqual(['mx1.example.test']);
    expect(await dns.resolve('null.test', 'MX')).toEqual([{ exchange: '', priority: 0 }]);
  });

  it('gives node:dns error codes for NXDOMAIN and NODATA', async () => {
    const { dns } = resolverWithClock();
    await expect(dns.resolve('nope.example.test', 'A')).rejects.toMatchObject({
      code: 'ENOTFOUND',
      syscall: 'queryA',
      hostname: 'nope.example.test',
    });
    await expect(dns.resolve('mx1.example.test', 'MX')).rejects.toMatchObject({
      code: 'ENODATA',
      syscall: 'queryMx',
    });
  });

  it('falls back to TCP when the UDP answer is truncated', async () => {
    const { dns } = resolverWithClock();
    const txt = (await dns.resolve('big.example.test', 'TXT')) as string[][];
    expect(txt).toHaveLength(1);
    expect(txt[0]?.join('')).toHaveLength(2000);
  });

  it('keeps an answer for its TTL and asks again after it', async () => {
    const { dns, advance } = resolverWithClock();
    expect(await dns.resolve('ttl30.example.test', 'A')).toEqual(['127.0.0.30']);
    await unbound.removeName('ttl30.example.test');
    await unbound.addRecord('ttl30.example.test. 30 IN A 127.0.0.33');
    advance(29);
    expect(await dns.resolve('ttl30.example.test', 'A')).toEqual(['127.0.0.30']);
    advance(2);
    expect(await dns.resolve('ttl30.example.test', 'A')).toEqual(['127.0.0.33']);
  });

  it('holds a tiny TTL for the floor (minTtlSeconds) and a long one for no more than the ceiling', async () => {
    const { dns, advance } = resolverWithClock({ maxTtlSeconds: 100 });
    expect(await dns.resolve('ttl1.example.test', 'A')).toEqual(['127.0.0.31']);
    expect(await dns.resolve('mx2.example.test', 'A').catch((e) => e.code)).toBe('ENOTFOUND');
    await unbound.removeName('ttl1.example.test');
    await unbound.addRecord('ttl1.example.test. 1 IN A 127.0.0.32');
    advance(3);
    expect(await dns.resolve('ttl1.example.test', 'A')).toEqual(['127.0.0.31']);
    advance(3);
    expect(await dns.resolve('ttl1.example.test', 'A')).toEqual(['127.0.0.32']);
    // example.test's MX has TTL 300; the ceiling of 100 s expires it sooner.
    await dns.resolve('example.test', 'MX');
    await unbound.addRecord('example.test. 300 IN MX 30 mx3.example.test.');
    advance(99);
    expect(await dns.resolve('example.test', 'MX')).toHaveLength(2);
    advance(2);
    expect(await dns.resolve('example.test', 'MX')).toHaveLength(3);
  });

  it('caches "no such name" for the SOA minimum (RFC 2308)', async () => {
    const { dns, advance } = resolverWithClock();
    await expect(dns.resolve('later.example.test', 'A')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await unbound.addRecord('later.example.test. 300 IN A 127.0.0.40');
    advance(59); // the SOA's minimum is 60 s
    await expect(dns.resolve('later.example.test', 'A')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    advance(2);
    expect(await dns.resolve('later.example.test', 'A')).toEqual(['127.0.0.40']);
  });

  it('asks past the cache when told fresh, and caches what it then finds', async () => {
    const { dns } = resolverWithClock();
    await expect(dns.resolve('published.example.test', 'TXT')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await unbound.addRecord('published.example.test. 300 IN TXT "published-now"');
    await expect(dns.resolve('published.example.test', 'TXT')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    expect(await dns.resolve('published.example.test', 'TXT', { fresh: true })).toEqual([['published-now']]);
    expect(await dns.resolve('published.example.test', 'TXT')).toEqual([['published-now']]);
  });

  it('skips a server that does not answer, and times out when none does', async () => {
    const silent = '127.0.0.1:9'; // discard port: nothing answers DNS there
    const { dns } = resolverWithClock({ servers: [silent, unbound.server], timeoutMs: 300 });
    expect(await dns.resolve('mx1.example.test', 'A')).toEqual(['127.0.0.2']);
    const { dns: dead } = resolverWithClock({ servers: [silent], timeoutMs: 300 });
    await expect(dead.resolve('mx1.example.test', 'A')).rejects.toMatchObject({ code: 'ETIMEOUT' });
  });

  it('serves mailauth as its resolver (SPF with a, mx and ip4 mechanisms)', async () => {
    const { dns } = resolverWithClock();
    const resolver = dns.resolve as unknown as Parameters<typeof spf>[0]['resolver'];
    const pass = await spf({
      sender: 'a@spf.example.test',
      ip: '127.0.0.2',
      helo: 'mx1.example.test',
      resolver,
    });
    expect(pass.status.result).toBe('pass');
    const fail = await spf({
      sender: 'a@spf.example.test',
      ip: '127.0.0.99',
      helo: 'x.example.test',
      resolver,
    });
    expect(fail.status.result).toBe('fail');
    const plain = await spf({ sender: 'a@example.test', ip: '127.0.0.1', helo: 'x.example.test', resolver });
    expect(plain.status.result).toBe('pass');
  });
});
