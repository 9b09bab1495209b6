import { describe, expect, it } from 'vitest';
import { JdMail } from './index.js';
import { json, scriptedFetch } from './test-fetch.js';

describe('jd.mail.batch', () => {
  it('posts one action for many ids to …/messages:batch and returns each result', async () => {
    const results = [
      { id: 'm1', status: 'ok' },
      { id: 'm2', status: 'not_found' },
    ];
    const { fetch, calls } = scriptedFetch(json(200, { results }));
    const jd = new JdMail({ baseUrl: 'https://mail.example.com', token: 'jdk_test', fetch, maxRetries: 0 });
    const answer = await jd.mail.batch('张三@example.com', {
      ids: ['m1', 'm2'],
      action: 'move',
      mailbox: '项目/2026',
    });
    expect(answer.results).toEqual(results);
    expect(calls.map((c) => [c.method, c.url.pathname])).toEqual([
      ['POST', '/api/v1/users/%E5%BC%A0%E4%B8%89%40example.com/messages:batch'],
    ]);
    expect(calls[0]?.body).toEqual({ ids: ['m1', 'm2'], action: 'move', mailbox: '项目/2026' });
  });
});
