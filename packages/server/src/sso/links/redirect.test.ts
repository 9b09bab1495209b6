import { describe, expect, it } from 'vitest';
import { checkRedirect } from './redirect.js';

describe('checkRedirect', () => {
  it.each([
    [undefined, '/'],
    ['', '/'],
    ['/', '/'],
    ['/m/0001abc', '/m/0001abc'],
    ['/inbox?page=2#top', '/inbox?page=2#top'],
    ['/a/../b', '/b'],
    ['/%E9%82%AE%E4%BB%B6', '/%E9%82%AE%E4%BB%B6'],
  ])('accepts %j as %j', (raw, path) => {
    expect(checkRedirect(raw)).toEqual({ ok: true, path });
  });

  it.each([
    'https://evil.example/',
    'http:/evil.example',
    'javascript:alert(1)',
    '//evil.example/x',
    '/\\evil.example',
    '\\\\evil.example',
    '/\t/evil.example',
    '/ /evil.example',
    '/.//evil.example',
    '/%2F%2Fevil.example',
    '/%5Cevil.example',
    '/api/v1/users',
    '/api',
    '/API/v1/domains',
    '/%61pi/v1/users',
    '/auth/logout',
    '/auth/link/abc',
    '/x/../auth/session',
    '/docs',
    '/.well-known/jwks.json',
    'inbox',
    `/${'a'.repeat(2048)}`,
    '/%E0%A4%A',
  ])('refuses %j', (raw) => {
    const r = checkRedirect(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason.length).toBeGreaterThan(5);
  });

  it('keeps the webmail’s own paths that merely start like a reserved one', () => {
    expect(checkRedirect('/apiary')).toEqual({ ok: true, path: '/apiary' });
    expect(checkRedirect('/authors/x')).toEqual({ ok: true, path: '/authors/x' });
  });
});
