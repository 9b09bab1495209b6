import { describe, expect, it } from 'vitest';
import { JdMail, JdMailError } from './index.js';
import { json, problem, scriptedFetch } from './test-fetch.js';

const client = (fetch: typeof globalThis.fetch) =>
  new JdMail({ baseUrl: 'https://mail.example.com', token: 'jdk_test', fetch, maxRetries: 0 });

const event = {
  specversion: '1.0',
  id: '0190a5d2-7c3e-7000-8000-000000000000',
  source: 'https://mail.example.com',
  type: 'message.new',
  time: '2026-01-02T03:04:05.000Z',
  subject: 'alice@example.com',
  datacontenttype: 'application/json',
  data: { address: 'alice@example.com', mailbox: 'INBOX', subject: 'Hi' },
  sequence: '00000000000000000042',
};

describe('jd.events', () => {
  it('lists a page after a cursor with a type filter, and surfaces an expired cursor as 410', async () => {
    const { fetch, calls } = scriptedFetch(
      json(200, { items: [event], nextCursor: '42', hasMore: false }),
      json(200, { items: [], nextCursor: '0', hasMore: false }),
      problem(410, 'EVENTS_CURSOR_EXPIRED'),
    );
    const jd = client(fetch);
    const page = await jd.events.list({ after: '41', types: ['message.new', 'user.*'], limit: 10 });
    expect(page.nextCursor).toBe('42');
    const [first] = page.items;
    if (first?.type !== 'message.new') throw new Error('expected message.new');
    expect(first.data.mailbox).toBe('INBOX');
    await jd.events.list();
    const gone = await jd.events.list({ after: '1' }).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(JdMailError);
    expect(gone).toMatchObject({ status: 410, code: 'EVENTS_CURSOR_EXPIRED' });
    expect(calls.map((c) => c.url.pathname + c.url.search)).toEqual([
      '/api/v1/events?after=41&types=message.new%2Cuser.*&limit=10',
      '/api/v1/events',
      '/api/v1/events?after=1',
    ]);
  });
});
