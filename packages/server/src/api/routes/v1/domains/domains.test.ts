import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildTestApi, type TestApi } from '../../../testing/build-app.js';

describe('/api/v1/domains', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await buildTestApi();
  });
  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, token = 'jdk_admin', payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: bearer(token), ...(payload ? { payload } : {}) });

  it('creates, reads and deletes a domain, names case-insensitive', async () => {
    const created = await call('POST', '/domains', 'jdk_admin', { name: 'new.test' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ name: 'new.test', createdAt: '2023-11-14T22:13:20.000Z' });
    expect((await call('GET', '/domains/NEW.test')).json().name).toBe('new.test');
    expect((await call('POST', '/domains', 'jdk_admin', { name: 'new.test' })).json().code).toBe(
      'DOMAIN_EXISTS',
    );
    expect((await call('DELETE', '/domains/new.test')).statusCode).toBe(204);
    expect((await call('GET', '/domains/new.test')).json().code).toBe('DOMAIN_NOT_FOUND');
  });

  it('pages with cursors', async () => {
    const first = (await call('GET', '/domains?limit=1')).json();
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (await call('GET', `/domains?limit=1&cursor=${first.nextCursor}`)).json();
    expect(second.items[0].name).not.toBe(first.items[0].name);
  });

  it('shows a restricted key only its own domain, others as 404', async () => {
    const list = (await call('GET', '/domains', 'jdk_example')).json();
    expect(list.items.map((d: { name: string }) => d.name)).toEqual(['example.com']);
    const other = await call('GET', '/domains/other.org', 'jdk_example');
    expect(other.statusCode).toBe(404);
    expect(other.json().code).toBe('DOMAIN_NOT_FOUND');
  });

  it('lets only unrestricted callers add or remove domains', async () => {
    expect((await call('POST', '/domains', 'jdk_example', { name: 'mine.test' })).json().code).toBe(
      'FORBIDDEN',
    );
    expect((await call('DELETE', '/domains/example.com', 'jdk_example')).json().code).toBe('FORBIDDEN');
    expect((await call('DELETE', '/domains/other.org', 'jdk_example')).statusCode).toBe(404);
  });

  it('refuses a key without the scope with 403 INSUFFICIENT_SCOPE', async () => {
    t.directory.addKey('jdk_mailonly', ['mail:read']);
    const res = await call('GET', '/domains', 'jdk_mailonly');
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('INSUFFICIENT_SCOPE');
  });
});
