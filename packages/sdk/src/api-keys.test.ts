import { describe, expect, it } from 'vitest';
import { JdMail } from './index.js';
import { json, scriptedFetch } from './test-fetch.js';

const record = (id: string) => ({
  id,
  name: 'portal',
  prefix: 'jdk_abcdefgh',
  scopes: ['mail:read'],
  domain: 'example.com',
  createdAt: '2026-01-01T00:00:00.000Z',
  lastUsedAt: null,
  expiresAt: null,
});

const client = (fetch: typeof globalThis.fetch) =>
  new JdMail({ baseUrl: 'https://mail.example.com', token: 'jdk_test', fetch, maxRetries: 0 });

describe('jd.apiKeys', () => {
  it('makes, lists, gets, rotates and revokes keys on their routes', async () => {
    const { fetch, calls } = scriptedFetch(
      json(201, { apiKey: record('k1'), key: 'jdk_secret' }),
      json(200, { items: [record('k1')], nextCursor: null }),
      json(200, record('k1')),
      json(201, { apiKey: record('k2'), key: 'jdk_new' }),
      json(204, null),
    );
    const jd = client(fetch);
    const made = await jd.apiKeys.create({ name: 'portal', scopes: ['mail:read'], domain: 'example.com' });
    expect(made.key).toBe('jdk_secret');
    expect((await jd.apiKeys.list({ limit: 10 })).items.map((k) => k.id)).toEqual(['k1']);
    expect((await jd.apiKeys.get('k/1')).id).toBe('k1');
    expect((await jd.apiKeys.rotate('k1', { graceSeconds: 60 })).key).toBe('jdk_new');
    await jd.apiKeys.revoke('k1');
    expect(calls.map((c) => [c.method, c.url.pathname + c.url.search])).toEqual([
      ['POST', '/api/v1/api-keys'],
      ['GET', '/api/v1/api-keys?limit=10'],
      ['GET', '/api/v1/api-keys/k%2F1'],
      ['POST', '/api/v1/api-keys/k1/rotate'],
      ['DELETE', '/api/v1/api-keys/k1'],
    ]);
    expect(calls[0]?.body).toEqual({ name: 'portal', scopes: ['mail:read'], domain: 'example.com' });
    expect(calls[3]?.body).toEqual({ graceSeconds: 60 });
  });
});
