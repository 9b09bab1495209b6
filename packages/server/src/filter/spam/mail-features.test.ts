import { describe, expect, it } from 'vitest';
import {
  authFeatures,
  combineScore,
  featureLabel,
  historyFeatures,
  looksDynamic,
  rdnsFeatures,
} from './mail-features.js';
import { createRdnsCheck, reverseName } from './rdns.js';

const names = (fs: Array<{ name: string }>) => fs.map((f) => f.name);
const none = { writtenTo: false, domainWrittenTo: false, hamLearned: false };

describe('mail features', () => {
  it('scores authentication: pass lowers, fail raises, nothing at all raises a little, unchecked says nothing', () => {
    expect(names(authFeatures({ spf: 'pass', dkim: 'pass', dmarc: 'pass' }))).toEqual(['AUTH_DMARC_PASS']);
    expect(names(authFeatures({ spf: 'fail', dkim: 'fail', dmarc: 'fail' }))).toEqual([
      'AUTH_DMARC_FAIL',
      'AUTH_SPF_FAIL',
      'AUTH_DKIM_FAIL',
    ]);
    expect(names(authFeatures({ spf: 'softfail', dkim: 'pass', dmarc: 'none' }))).toEqual([
      'AUTH_SPF_SOFTFAIL',
      'AUTH_DKIM_PASS',
    ]);
    expect(names(authFeatures({ spf: 'none', dmarc: 'none' }))).toEqual(['AUTH_NONE']);
    expect(authFeatures(null)).toEqual([]);
  });

  it('scores reverse DNS: none, not forward-confirmed, and dynamic-looking names', () => {
    expect(names(rdnsFeatures({ status: 'none', name: '' }, '192.0.2.7'))).toEqual(['RDNS_NONE']);
    expect(names(rdnsFeatures({ status: 'mismatch', name: 'mail.example.org' }, '192.0.2.7'))).toEqual([
      'RDNS_MISMATCH',
    ]);
    expect(rdnsFeatures({ status: 'confirmed', name: 'mail.example.org' }, '192.0.2.7')).toEqual([]);
    expect(
      names(rdnsFeatures({ status: 'confirmed', name: '7-2-0-192.dyn.isp.example' }, '192.0.2.7')),
    ).toEqual(['RDNS_DYNAMIC']);
    expect(looksDynamic('host-192-0-2-7.example.net', '192.0.2.7')).toBe(true);
    expect(looksDynamic('adsl-44.pool.example.net', '203.0.113.44')).toBe(true);
    expect(looksDynamic('mx1.example.com', '192.0.2.7')).toBe(false);
    expect(rdnsFeatures(null, '192.0.2.7')).toEqual([]);
  });

  it('lowers the score for a known sender unless its authentication failed; a first-time sender is a feature', () => {
    expect(names(historyFeatures(none, null))).toEqual(['SENDER_FIRST_TIME']);
    const known = { writtenTo: true, domainWrittenTo: true, hamLearned: true };
    expect(names(historyFeatures(known, { spf: 'pass' }))).toEqual([
      'SENDER_WRITTEN_TO',
      'SENDER_HAM_LEARNED',
    ]);
    expect(names(historyFeatures({ ...none, domainWrittenTo: true }, null))).toEqual([
      'SENDER_DOMAIN_WRITTEN_TO',
    ]);
    // A forged partner address: DMARC or SPF failed, so the history does not count.
    expect(historyFeatures(known, { dmarc: 'fail' })).toEqual([]);
    expect(historyFeatures(known, { spf: 'softfail' })).toEqual([]);
    // Nothing authenticated it either: a known address alone does not count.
    expect(historyFeatures(known, { spf: 'none', dmarc: 'none' })).toEqual([]);
    expect(names(historyFeatures(known, { spf: 'none', dkim: 'pass' }))).toEqual([
      'SENDER_WRITTEN_TO',
      'SENDER_HAM_LEARNED',
    ]);
  });

  it('adds the points to the Bayes score within [0, 1], a good history capped at -0.2', () => {
    expect(combineScore(0.45, [{ name: 'RDNS_NONE', points: 0.1 }])).toBeCloseTo(0.55);
    expect(combineScore(0.99, [{ name: 'AUTH_DMARC_FAIL', points: 0.15 }])).toBe(1);
    expect(combineScore(0.05, [{ name: 'AUTH_DMARC_PASS', points: -0.1 }])).toBe(0);
    const history = historyFeatures({ writtenTo: true, domainWrittenTo: true, hamLearned: true }, null);
    expect(combineScore(0.6, history)).toBeCloseTo(0.4);
    expect(combineScore(0.42, [])).toBe(0.42);
    expect(featureLabel({ name: 'AUTH_DMARC_PASS', points: -0.1 })).toBe('AUTH_DMARC_PASS=-0.10');
  });
});

describe('reverse DNS check', () => {
  it('writes the PTR query name of IPv4, IPv4-mapped and IPv6 addresses', () => {
    expect(reverseName('192.0.2.7')).toBe('7.2.0.192.in-addr.arpa');
    expect(reverseName('::ffff:192.0.2.7')).toBe('7.2.0.192.in-addr.arpa');
    expect(reverseName('2001:db8::1')).toBe(
      '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa',
    );
    expect(reverseName('not-an-ip')).toBeNull();
  });

  const records: Record<string, unknown[]> = {
    '7.2.0.192.in-addr.arpa/PTR': ['mail.good.example.'],
    'mail.good.example/A': ['192.0.2.7'],
    '8.2.0.192.in-addr.arpa/PTR': ['liar.example'],
    'liar.example/A': ['198.51.100.1'],
    '9.2.0.192.in-addr.arpa/PTR': ['bad name!'],
  };
  const asked: string[] = [];
  const resolve = async (name: string, type: string) => {
    asked.push(`${name}/${type}`);
    if (name.startsWith('10.2.0.192')) throw Object.assign(new Error('servfail'), { code: 'ESERVFAIL' });
    if (name.startsWith('11.2.0.192')) return new Promise<unknown[]>(() => {});
    const found = records[`${name}/${type}`];
    if (!found) throw Object.assign(new Error('nxdomain'), { code: 'ENOTFOUND' });
    return found;
  };
  const check = createRdnsCheck({ resolve, trusted: (ip) => ip.startsWith('127.'), timeoutMs: 200 });

  it('confirms a PTR name that resolves back, and tells none and mismatch apart', async () => {
    expect(await check('192.0.2.7')).toEqual({ status: 'confirmed', name: 'mail.good.example' });
    expect(await check('192.0.2.8')).toEqual({ status: 'mismatch', name: 'liar.example' });
    expect(await check('192.0.2.6')).toEqual({ status: 'none', name: '' });
    // A PTR answer that is not a host name counts as none.
    expect(await check('192.0.2.9')).toEqual({ status: 'none', name: '' });
  });

  it('says nothing for trusted clients, a failing resolver or one that never answers', async () => {
    asked.length = 0;
    expect(await check('127.0.0.1')).toBeNull();
    expect(asked).toEqual([]);
    expect(await check('192.0.2.10')).toBeNull();
    expect(await check('192.0.2.11')).toBeNull();
  });
});
