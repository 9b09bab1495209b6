import { describe, expect, it } from 'vitest';
import { isConsolePath, loginPath, messagePath, parseRoute, safeRedirect } from './router.js';

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
    expect(at('/f/%E9%A1%B9%E7%9B%AE%2F2026')).toEqual({
      name: 'folder',
      mailbox: '项目/2026',
      cursor: null,
    });
    expect(at('/f/%E0%A4%A')).toEqual({ name: 'not-found' });
    expect(at('/settings')).toEqual({ name: 'settings', section: 'general' });
    expect(at('/settings/vacation')).toEqual({ name: 'settings', section: 'vacation' });
    expect(at('/compose?mode=reply&of=m1')).toEqual({
      name: 'compose',
      mode: 'reply',
      of: 'm1',
      draft: null,
      to: null,
    });
    expect(at('/compose?mode=bogus&draft=d1')).toEqual({
      name: 'compose',
      mode: 'new',
      of: null,
      draft: 'd1',
      to: null,
    });
    expect(at('/search?q=%E5%90%88%E5%90%8C&unread=1&attachment=1')).toEqual({
      name: 'search',
      query: {
        q: '合同',
        mailbox: null,
        unread: true,
        flagged: false,
        hasAttachment: true,
        since: null,
        before: null,
        cursor: null,
      },
    });
    expect(messagePath('a/b', true)).toBe('/m/a%2Fb?images=1');
    expect(loginPath('session_expired', '/m/1')).toBe('/login?error=session_expired&redirect=%2Fm%2F1');
    expect(loginPath(undefined, '/')).toBe('/login');
  });

  it('only ever redirects to a path of this webmail', () => {
    expect(safeRedirect('/m/1?images=1')).toBe('/m/1?images=1');
    // The admin console sends signed-out visitors to /login?redirect=/admin/…
    expect(safeRedirect('/admin/users/example.com?q=li')).toBe('/admin/users/example.com?q=li');
    expect(isConsolePath('/admin')).toBe(true);
    expect(isConsolePath('/admin/users/x')).toBe(true);
    expect(isConsolePath('/administrator')).toBe(false);
    expect(isConsolePath('/f/admin')).toBe(false);
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
