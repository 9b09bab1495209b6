import { describe, expect, it } from 'vitest';
import { ipNetworkError } from '../shared/index.js';
import { clientKey, parseAddressList } from './address-list.js';

describe('parseAddressList', () => {
  it('matches exact addresses and CIDR networks of both families, IPv4-mapped IPv6 as IPv4', () => {
    const list = parseAddressList(' 10.0.0.0/8, 192.0.2.7  2001:db8::/32,');
    expect(list.entries).toEqual(['10.0.0.0/8', '192.0.2.7', '2001:db8::/32']);
    expect(list.has('10.200.3.4')).toBe(true);
    expect(list.has('::ffff:10.1.1.1')).toBe(true);
    expect(list.has('192.0.2.7')).toBe(true);
    expect(list.has('192.0.2.8')).toBe(false);
    expect(list.has('2001:db8:1::5')).toBe(true);
    expect(list.has('2001:db9::5')).toBe(false);
    expect(list.has('not an address')).toBe(false);
    expect(parseAddressList('').has('127.0.0.1')).toBe(false);
  });

  it('refuses what is not an address or a network, naming the entry', () => {
    expect(() => parseAddressList('10.0.0.0/8, example.com')).toThrow('"example.com" is not an IP address');
    expect(ipNetworkError('10.0.0.0/33')).toMatch(/invalid prefix length/);
    expect(ipNetworkError('::1/129')).toMatch(/invalid prefix length/);
    expect(ipNetworkError('1.2.3.4/8/9')).toMatch(/not an IP address/);
    expect(ipNetworkError('2001:db8::/48')).toBeUndefined();
  });
});

describe('clientKey', () => {
  it('counts an IPv4 client by its address and an IPv6 client by its /64', () => {
    expect(clientKey('192.0.2.1')).toBe('192.0.2.1');
    expect(clientKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2:0:0:0:0/64');
    expect(clientKey('2001:DB8:1:2:bbbb:cccc:dddd:eeee')).toBe(clientKey('2001:db8:1:2::9'));
    expect(clientKey('2001:db8:1:3::9')).not.toBe(clientKey('2001:db8:1:2::9'));
    expect(clientKey('2001:db8:1:2:ffff::1', 48)).toBe('2001:db8:1:0:0:0:0:0/48');
    expect(clientKey('::1')).toBe('0:0:0:0:0:0:0:0/64');
    expect(clientKey('64:ff9b::192.0.2.1', 128)).toBe('64:ff9b:0:0:0:0:c000:201/128');
  });
});
