import { describe, expect, it } from 'vitest';
import { escapeDnValue, formatDn, normalizeDn, parseDn, rdnsBelow } from './dn.js';

describe('escapeDnValue (RFC 4514 §2.4)', () => {
  it.each([
    ['Smith, John', 'Smith\\, John'],
    ['a+b', 'a\\+b'],
    ['"quoted"', '\\"quoted\\"'],
    ['back\\slash', 'back\\\\slash'],
    ['<tag>;', '\\<tag\\>\\;'],
    [' lead', '\\ lead'],
    ['trail ', 'trail\\ '],
    ['#hash', '\\#hash'],
    ['mid # and = stay', 'mid # and = stay'],
    ['nul\0', 'nul\\00'],
    ['Zoë', 'Zoë'],
  ])('%j → %j', (value, escaped) => {
    expect(escapeDnValue(value)).toBe(escaped);
    // What we write, we read back as the same value.
    expect(parseDn(`cn=${escaped},dc=example`)[0]?.[0]?.value).toBe(value);
  });
});

describe('parseDn', () => {
  it('splits RDNs and multi-valued RDNs and reads every escape form', () => {
    expect(parseDn('cn=Smith\\2C John+uid=js,OU=R\\&D , dc=example,dc=com')).toEqual([
      [
        { type: 'cn', value: 'Smith, John' },
        { type: 'uid', value: 'js' },
      ],
      [{ type: 'OU', value: 'R&D' }],
      [{ type: 'dc', value: 'example' }],
      [{ type: 'dc', value: 'com' }],
    ]);
    expect(parseDn('cn=Zo\\C3\\AB')[0]?.[0]?.value).toBe('Zoë');
    expect(parseDn('1.3.6.1.4.1.1466.0=#04024869')[0]?.[0]).toEqual({
      type: '1.3.6.1.4.1.1466.0',
      value: '#04024869',
    });
    expect(parseDn('')).toEqual([]);
  });

  it.each(['cn', 'cn=a,', '=x', 'c n=x', 'cn=a"b', 'cn=a\\'])('rejects %j', (dn) => {
    expect(() => parseDn(dn)).toThrow(/invalid DN/);
  });

  it('round-trips through formatDn', () => {
    const dn = 'cn=Smith\\, John,ou=Sales\\+Marketing,dc=example,dc=com';
    expect(formatDn(parseDn(dn))).toBe(dn);
  });
});

describe('normalizeDn and rdnsBelow', () => {
  it('compares DNs case- and escape-insensitively', () => {
    expect(normalizeDn('CN=John\\2C Smith, OU=People,DC=Example,DC=COM')).toBe(
      normalizeDn('cn=john\\, smith,ou=people,dc=example,dc=com'),
    );
    expect(normalizeDn('uid=a+cn=b,dc=x')).toBe(normalizeDn('cn=b+uid=a,dc=x'));
  });

  it('gives the path below a base, top first, or null outside it', () => {
    const below = rdnsBelow(
      'uid=ann,ou=Platform,ou=Engineering,ou=People,dc=example,dc=com',
      'OU=people,DC=example,DC=com',
    );
    expect(below?.map((r) => r[0]?.value)).toEqual(['Engineering', 'Platform', 'ann']);
    expect(rdnsBelow('uid=ann,ou=people,dc=other,dc=com', 'ou=people,dc=example,dc=com')).toBeNull();
    expect(rdnsBelow('dc=com', 'dc=example,dc=com')).toBeNull();
  });
});
