import { describe, expect, it } from 'vitest';
import { loginPath, messagePath, parseRoute, safeRedirect } from './router.js';

const at = (path: string) => parseRoute(new URL(path, 'https://mail.example.com'));

describe('routes', () => {
  it('parses the app URLs', () => {
    expect(at('/')).toEqual({ name: 'inbox', cursor: null, junk: false });
    expect(at('/?cursor=abc')).toEqual({ name: 'inbox', cursor: 'abc', junk: false });
    expect(at('/junk')).toEqual({ name: 'inbox', cursor: null, junk: true });
    expect(at('/junk/?cursor=x')).toEqual({ name: 'inbox', cursor: 'x', junk: true });
    expect(at('/login?error=link_invalid&redirect=%2Fm%2F1')).toEqual({
      name: 'login',
      error: 'link_invalid',
      redirect: '/m/1',
    });
    expect(at('/m/0190ab')).toEqual({ name: 'message', id: '0190ab', images: false });
    expect(at('/m/0190ab/?images=1')).toEqual({ name: 'message', id: '0190ab', images: true });
    expect(at('/m/%E0%A4%A')).toEqual({ name: 'not-found' });
    expect(at('/elsewhere')).toEqual({ name: 'not-found' });
    expect(messagePath('a/b', true)).toBe('/m/a%2Fb?images=1');
    expect(loginPath('session_expired', '/m/1')).toBe('/login?error=session_expired&redirect=%2Fm%2F1');
    expect(loginPath(undefined, '/')).toBe('/login');
  });

  it('only ever redirects to a path of this webmail', () => {
    expect(safeRedirect('/m/1?images=1')).toBe('/m/1?images=1');
    for (const bad of [
      null,
      '',
      'https://evil.example/',
      '//evil.example/x',
      '/\\evil.example',
      'javascript:alert(1)',
      '/login?redirect=/x',
      'm/1',
    ]) {
      expect(safeRedirect(bad), String(bad)).toBe('/');
    }
  });
});
