import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUnbound, type Unbound } from '../../../../../test/harness/unbound.js';
import { createDnsResolver } from '../../dns/index.js';
import { hostAddresses, planMx } from './mx.js';

// MX selection against a real DNS server (unbound) serving test zones.
let unbound: Unbound;

beforeAll(async () => {
  unbound = await startUnbound({
    'pref.test': [
      'pref.test. 300 IN MX 20 backup.pref.test.',
      'pref.test. 300 IN MX 10 a.pref.test.',
      'pref.test. 300 IN MX 10 b.pref.test.',
      'pref.test. 300 IN MX 30 last.pref.test.',
    ],
    'nullmx.test': ['nullmx.test. 300 IN MX 0 .'],
    'nomx.test': ['nomx.test. 300 IN A 127.0.0.20'],
  });
});
afterAll(async () => {
  await unbound?.stop();
});

const resolver = (servers: string[], timeoutMs = 3000) =>
  createDnsResolver({
    config: {
      servers,
      timeoutMs,
      cacheSize: 0,
      minTtlSeconds: 0,
      maxTtlSeconds: 3600,
      maxNegativeTtlSeconds: 300,
    },
  });

describe('MX selection (RFC 5321 §5.1, RFC 7505)', () => {
  it('orders by preference and shuffles hosts of equal preference', async () => {
    const dns = resolver([unbound.server]);
    const firsts = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const plan = await planMx('pref.test', dns);
      if (!('hosts' in plan)) throw new Error('expected hosts');
      const names = plan.hosts.map((h) => h.name);
      expect(new Set(names.slice(0, 2))).toEqual(new Set(['a.pref.test', 'b.pref.test']));
      expect(names.slice(2)).toEqual(['backup.pref.test', 'last.pref.test']);
      firsts.add(names[0] as string);
    }
    // 40 draws: both equal-preference hosts come first at some point (chance of not: 2^-39).
    expect(firsts).toEqual(new Set(['a.pref.test', 'b.pref.test']));
  });

  it('fails a null MX domain at once with 5.1.10', async () => {
    const plan = await planMx('nullmx.test', resolver([unbound.server]));
    expect(plan).toMatchObject({ verdict: { status: 'failed', enhanced: '5.1.10' } });
  });

  it('uses the domain itself when it has no MX (implicit MX)', async () => {
    const plan = await planMx('nomx.test', resolver([unbound.server]));
    expect(plan).toEqual({ hosts: [{ name: 'nomx.test', priority: 0, implicit: true }] });
  });

  it('fails a domain that does not exist (NXDOMAIN) and defers when DNS does not answer', async () => {
    expect(await planMx('absent.nomx.test', resolver([unbound.server]))).toMatchObject({
      verdict: { status: 'failed', enhanced: '5.1.2' },
    });
    expect(await planMx('pref.test', resolver(['127.0.0.1:9'], 300))).toMatchObject({
      verdict: { status: 'deferred', enhanced: '4.4.3' },
    });
  });
});

describe('host addresses', () => {
  it('takes an IP literal (a smarthost given by address) as its own answer, asking no DNS server', async () => {
    // A resolver that cannot answer: any query would fail the lookup.
    const dead = resolver(['127.0.0.1:9'], 200);
    expect(await hostAddresses('127.0.0.1', 'any', dead)).toEqual(['127.0.0.1']);
    expect(await hostAddresses('[::1]', 'any', dead)).toEqual(['::1']);
    expect(await hostAddresses('::1', 'ipv4', dead)).toEqual([]);
    expect(await hostAddresses('127.0.0.1', 'ipv6', dead)).toEqual([]);
    await expect(hostAddresses('relay.nowhere.test', 'any', dead)).rejects.toMatchObject({
      code: 'ETIMEOUT',
    });
  });
});
