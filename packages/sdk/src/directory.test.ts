import { describe, expect, it } from 'vitest';
import { JdMail } from './index.js';
import { json, scriptedFetch } from './test-fetch.js';

const run = (status: string, extra: object = {}) => ({
  id: 'r1',
  source: 'corp',
  status,
  mode: 'full',
  dryRun: true,
  forced: false,
  trigger: 'api',
  startedAt: '2025-01-01T00:00:00.000Z',
  finishedAt: status === 'running' ? null : '2025-01-01T00:00:02.000Z',
  progress: { phase: status === 'running' ? 'reading' : 'done', done: 10, total: null },
  report: null,
  error: null,
  ...extra,
});

function client(fetch: typeof globalThis.fetch, sleeps: number[] = []) {
  return new JdMail({
    baseUrl: 'https://mail.example.com',
    token: 'jdk_test',
    fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
}

describe('client.directory', () => {
  it('starts a sync with its options and waits for it, polling', async () => {
    const sleeps: number[] = [];
    const { fetch, calls } = scriptedFetch(
      json(202, run('running')),
      json(200, run('running')),
      json(200, run('succeeded', { report: { counts: { create: 3 } } })),
    );
    const jd = client(fetch, sleeps);
    const started = await jd.directory.startSync({ dryRun: true });
    expect(calls[0]?.method).toBe('POST');
    expect(calls[0]?.url.pathname).toBe('/api/v1/directory/sync');
    expect(calls[0]?.body).toEqual({ dryRun: true });
    const done = await jd.directory.waitForSync(started.id, { intervalMs: 250 });
    expect(done.status).toBe('succeeded');
    expect(calls.slice(1).map((c) => c.url.pathname)).toEqual([
      '/api/v1/directory/sync/r1',
      '/api/v1/directory/sync/r1',
    ]);
    expect(sleeps).toEqual([250]);
  });

  it('sends an empty object when started without options, and retries the start after a 503', async () => {
    const { fetch, calls } = scriptedFetch(json(503, { code: 'UNAVAILABLE' }), json(200, run('running')));
    await client(fetch).directory.startSync();
    expect(calls.map((c) => c.body)).toEqual([{}, {}]);
  });

  it('pages through the address book and reads the department tree of a domain', async () => {
    const entry = (address: string) => ({
      kind: 'user',
      address,
      name: '',
      domain: 'example.com',
      departments: [],
      groupKind: null,
    });
    const { fetch, calls } = scriptedFetch(
      json(200, { items: [entry('a@example.com')], nextCursor: 'c1' }),
      json(200, { items: [entry('b@example.com')], nextCursor: null }),
      json(200, { domain: 'example.com', items: [] }),
    );
    const jd = client(fetch);
    const all = await jd.directory.addressBook({ q: 'ex', limit: 1 }).toArray();
    expect(all.map((e) => e.address)).toEqual(['a@example.com', 'b@example.com']);
    expect(calls[1]?.url.search).toBe('?q=ex&limit=1&cursor=c1');
    expect(await jd.directory.departments('example.com')).toEqual({ domain: 'example.com', items: [] });
    expect(calls[2]?.url.search).toBe('?domain=example.com');
  });
});
