import { describe, expect, it } from 'vitest';
import { JdMail } from './index.js';
import { json, scriptedFetch } from './test-fetch.js';

const client = (fetch: typeof globalThis.fetch) =>
  new JdMail({ baseUrl: 'https://mail.example.com', token: 'jdk_test', fetch, maxRetries: 0 });

const entry = (id: string) => ({
  id,
  at: '2026-12-06T10:00:00.000Z',
  actor: { kind: 'user', id: 'u1', address: 'root@example.com' },
  action: 'revokeApiKey',
  method: 'DELETE',
  route: '/api/v1/api-keys/:id',
  target: { id: 'k1' },
  domains: [],
  outcome: 204,
  requestId: 'req-1',
  ip: '127.0.0.1',
});

describe('jd.admin, jd.sso.listProviders, jd.directory.listSources', () => {
  it('pages the audit log with its filters and the cursor', async () => {
    const { fetch, calls } = scriptedFetch(
      json(200, { items: [entry('a2')], nextCursor: 'a2' }),
      json(200, { items: [entry('a1')], nextCursor: null }),
    );
    const jd = client(fetch);
    const seen: string[] = [];
    for await (const e of jd.admin.listAudit({ action: 'revokeApiKey', domain: 'example.com', limit: 1 }))
      seen.push(e.id);
    expect(seen).toEqual(['a2', 'a1']);
    expect(calls.map((c) => c.url.pathname + c.url.search)).toEqual([
      '/api/v1/audit?action=revokeApiKey&domain=example.com&limit=1',
      '/api/v1/audit?action=revokeApiKey&domain=example.com&limit=1&cursor=a2',
    ]);
  });

  it('reads the dashboard, the SSO providers and the directory sources on their routes', async () => {
    const stats = { mailboxes: { total: 2, enabled: 1 } };
    const { fetch, calls } = scriptedFetch(
      json(200, stats),
      json(200, { items: [{ id: 'corp', kind: 'oidc', reachable: true }] }),
      json(200, { items: [{ name: 'ad', lastRun: null }] }),
    );
    const jd = client(fetch);
    expect(await jd.admin.stats({ since: '2026-12-05T16:00:00.000Z' })).toEqual(stats);
    expect((await jd.sso.listProviders()).map((p) => p.id)).toEqual(['corp']);
    expect((await jd.directory.listSources()).map((s) => s.name)).toEqual(['ad']);
    expect(calls.map((c) => [c.method, c.url.pathname + c.url.search])).toEqual([
      ['GET', '/api/v1/stats?since=2026-12-05T16%3A00%3A00.000Z'],
      ['GET', '/api/v1/sso/providers'],
      ['GET', '/api/v1/directory/sources'],
    ]);
  });
});
