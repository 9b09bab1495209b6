import { describe, expect, it } from 'vitest';
import { parseAuthorization } from './credentials.js';

describe('parseAuthorization', () => {
  it('reads Bearer tokens, case-insensitively by scheme', () => {
    expect(parseAuthorization('Bearer jdk_abc')).toEqual({ scheme: 'bearer', token: 'jdk_abc' });
    expect(parseAuthorization('bearer jdk_abc')).toEqual({ scheme: 'bearer', token: 'jdk_abc' });
  });
  it('reads Basic credentials whose password contains colons', () => {
    const value = Buffer.from('alice@example.com:pa:ss').toString('base64');
    expect(parseAuthorization(`Basic ${value}`)).toEqual({
      scheme: 'basic',
      username: 'alice@example.com',
      password: 'pa:ss',
    });
  });
  it('tells a missing header from a malformed one', () => {
    expect(parseAuthorization(undefined)).toBeNull();
    expect(parseAuthorization('')).toBeNull();
    expect(parseAuthorization('Bearer')).toBe('malformed');
    expect(parseAuthorization('Digest abc')).toBe('malformed');
    expect(parseAuthorization(`Basic ${Buffer.from('nocolon').toString('base64')}`)).toBe('malformed');
    // RFC 7617 §2: no control characters in user-id or password (a NUL once made PostgreSQL fail the lookup).
    for (const pair of [
      'ali\u0000ce@example.com:pw',
      'alice@example.com:p\u0000w',
      'alice@example.com:p\nw',
    ]) {
      expect(parseAuthorization(`Basic ${Buffer.from(pair).toString('base64')}`), pair).toBe('malformed');
    }
  });
});
