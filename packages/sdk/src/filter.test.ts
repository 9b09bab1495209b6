import { describe, expect, it } from 'vitest';
import { JdMail, NotFoundError, type RuleInput } from './index.js';
import { json, scriptedFetch } from './test-fetch.js';

const client = (fetch: typeof globalThis.fetch) =>
  new JdMail({ baseUrl: 'https://mail.example.com', token: 'jdk_test', fetch });

const rule: RuleInput = {
  name: 'no exe',
  when: { attachment: { name: { endsWith: '.exe' } } },
  actions: [{ action: 'reject', text: 'No executables' }],
};

describe('client.filter', () => {
  it('reads and replaces global rules, install-wide or for one domain', async () => {
    const stored = {
      scope: 'domain',
      owner: 'example.com',
      rules: [rule],
      updatedAt: '2025-01-01T00:00:00.000Z',
    };
    const { fetch, calls } = scriptedFetch(
      json(200, stored),
      json(200, stored),
      json(200, { ...stored, scope: 'system', owner: null }),
    );
    const jd = client(fetch);
    expect(await jd.filter.replaceRules([rule], 'example.com')).toEqual(stored);
    expect((await jd.filter.rules('example.com')).rules).toEqual([rule]);
    expect((await jd.filter.rules()).scope).toBe('system');
    expect(calls.map((c) => [c.method, c.url.pathname + c.url.search])).toEqual([
      ['PUT', '/api/v1/rules?domain=example.com'],
      ['GET', '/api/v1/rules?domain=example.com'],
      ['GET', '/api/v1/rules'],
    ]);
    expect(calls[0]?.body).toEqual({ rules: [rule] });
  });

  it('reads and replaces a user’s rules, with the address escaped in the path', async () => {
    const stored = { scope: 'user', owner: 'a+b@example.com', rules: [], updatedAt: null };
    const { fetch, calls } = scriptedFetch(json(200, stored), json(200, stored));
    const jd = client(fetch);
    await jd.filter.userRules('a+b@example.com');
    await jd.filter.replaceUserRules('a+b@example.com', []);
    expect(calls.map((c) => [c.method, c.url.pathname])).toEqual([
      ['GET', '/api/v1/users/a%2Bb%40example.com/rules'],
      ['PUT', '/api/v1/users/a%2Bb%40example.com/rules'],
    ]);
    expect(calls[1]?.body).toEqual({ rules: [] });
  });

  it('dry-runs rules and manages group policies; a hidden group is a NotFoundError', async () => {
    const result = { matched: [], actions: [], verdict: null, stopped: false, facts: {} };
    const policy = {
      send: 'inside',
      receive: 'anywhere',
      maxSendBytes: null,
      maxReceiveBytes: null,
      sizeLimitsApply: 'all',
      allowedRecipientDomains: [] as string[],
    } as const;
    const { fetch, calls } = scriptedFetch(
      json(200, result),
      json(200, policy),
      json(404, { type: 'about:blank', title: 'Group not found', status: 404, code: 'GROUP_NOT_FOUND' }),
    );
    const jd = client(fetch);
    expect(await jd.filter.test({ user: 'alice@example.com', messageId: 'm1' })).toEqual(result);
    expect(calls[0]?.body).toEqual({ user: 'alice@example.com', messageId: 'm1' });
    expect(await jd.filter.replaceGroupPolicy('g1', policy)).toEqual(policy);
    expect(calls[1]).toMatchObject({ method: 'PUT', body: policy });
    await expect(jd.filter.groupPolicy('g2')).rejects.toBeInstanceOf(NotFoundError);
    expect(calls[2]?.url.pathname).toBe('/api/v1/groups/g2/policy');
  });

  it('trains the spam classifier, globally or for one user; a refusal is a typed error', async () => {
    const learned = { class: 'spam', model: 'global', user: null, outcome: 'learned' } as const;
    const mine = { class: 'ham', model: 'user', user: 'alice@example.com', outcome: 'relearned' } as const;
    const { fetch, calls } = scriptedFetch(
      json(200, learned),
      json(200, mine),
      json(403, { type: 'about:blank', title: 'Forbidden', status: 403, code: 'FORBIDDEN' }),
    );
    const jd = client(fetch);
    const raw = btoa('Subject: win\r\n\r\nmoney\r\n');
    expect(await jd.filter.trainSpam({ class: 'spam', raw, encoding: 'base64' })).toEqual(learned);
    expect(calls[0]).toMatchObject({ method: 'POST', body: { class: 'spam', raw, encoding: 'base64' } });
    expect(calls[0]?.url.pathname).toBe('/api/v1/spam/train');
    expect(await jd.filter.trainSpam({ class: 'ham', user: 'alice@example.com', messageId: 'm1' })).toEqual(
      mine,
    );
    await expect(jd.filter.trainSpam({ class: 'spam', raw: 'x' })).rejects.toMatchObject({
      status: 403,
      code: 'FORBIDDEN',
    });
  });
});
