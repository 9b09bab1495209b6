import { describe, expect, it } from 'vitest';
import { parseIpList } from './ip-list.js';

describe('parseIpList', () => {
  it('matches addresses and CIDRs of both families, IPv4-mapped IPv6 as IPv4', () => {
    const allowed = parseIpList(' 127.0.0.0/8, ::1 ,10.1.2.0/24,192.0.2.7');
    expect(
      ['127.0.0.1', '127.9.9.9', '::1', '10.1.2.200', '192.0.2.7', '::ffff:127.0.0.1'].map(allowed),
    ).toEqual([true, true, true, true, true, true]);
    expect(['128.0.0.1', '::2', '10.1.3.1', '192.0.2.8', '', 'localhost'].map(allowed)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
  it('matches nothing when empty, and refuses what is not an address or CIDR', () => {
    expect(parseIpList('')('127.0.0.1')).toBe(false);
    expect(() => parseIpList('127.0.0.1,localhost')).toThrow('"localhost" is not an IP address or CIDR');
    expect(() => parseIpList('10.0.0.0/33')).toThrow(/10\.0\.0\.0\/33/);
    expect(() => parseIpList('10.0.0.0/x')).toThrow(/not an IP address or CIDR/);
  });
});
