import { describe, expect, it } from 'vitest';
import { consolePath, parseConsoleLocation } from './route.js';

const at = (path: string) => parseConsoleLocation(new URL(path, 'http://mail.example.com'));

describe('console routes', () => {
  it('splits /admin/<page>/<segments…> and decodes the segments', () => {
    expect(at('/admin')).toMatchObject({ page: '', rest: [] });
    expect(at('/admin/')).toMatchObject({ page: '', rest: [] });
    expect(at('/admin/users/example.com/li%40example.com?q=li')).toMatchObject({
      page: 'users',
      rest: ['example.com', 'li@example.com'],
      href: '/admin/users/example.com/li%40example.com?q=li',
    });
    expect(at('/admin/users/example.com?q=li')?.query.get('q')).toBe('li');
  });

  it('is not the console outside /admin, nor with a broken escape', () => {
    expect(at('/')).toBeNull();
    expect(at('/administrator')).toBeNull();
    expect(at('/admin/users/%E0%A4%A')).toBeNull();
  });

  it('builds paths whose segments survive a round trip', () => {
    const path = consolePath('users', ['例子.中国', 'a/b@例子.中国'], { q: '王', cursor: '' });
    expect(path).toBe(
      '/admin/users/%E4%BE%8B%E5%AD%90.%E4%B8%AD%E5%9B%BD/a%2Fb%40%E4%BE%8B%E5%AD%90.%E4%B8%AD%E5%9B%BD?q=%E7%8E%8B',
    );
    expect(at(path)?.rest).toEqual(['例子.中国', 'a/b@例子.中国']);
    expect(consolePath('')).toBe('/admin');
  });
});
