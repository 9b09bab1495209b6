import { describe, expect, it } from 'vitest';
import { JdMail, ValidationError } from './index.js';
import { json, scriptedFetch } from './test-fetch.js';

const client = (fetch: typeof globalThis.fetch) =>
  new JdMail({ baseUrl: 'https://mail.example.com', token: 'jdk_test', fetch });

const settings = {
  displayName: 'Alice',
  language: 'zh-CN',
  signature: { text: 'Alice', html: '<p>Alice</p>' },
  vacation: { enabled: false, subject: '', text: '', startsAt: null, endsAt: null, days: 7 },
  forwarding: { enabled: false, to: [], keepCopy: true },
  canChangePassword: true,
  updatedAt: null,
};

describe('client.settings', () => {
  it('reads and changes a user’s settings, with the address escaped in the path', async () => {
    const { fetch, calls } = scriptedFetch(json(200, settings), json(200, { ...settings, language: 'en' }));
    const jd = client(fetch);
    expect(await jd.settings.get('a+b@example.com')).toEqual(settings);
    expect((await jd.settings.update('a+b@example.com', { language: 'en' })).language).toBe('en');
    expect(calls.map((c) => [c.method, c.url.pathname])).toEqual([
      ['GET', '/api/v1/users/a%2Bb%40example.com/settings'],
      ['PATCH', '/api/v1/users/a%2Bb%40example.com/settings'],
    ]);
    expect(calls[1]?.body).toEqual({ language: 'en' });
  });

  it('changes the own password and ends other sessions; a wrong password is a ValidationError', async () => {
    const { fetch, calls } = scriptedFetch(
      json(200, { endedSessions: 2 }),
      json(200, { ended: 1 }),
      json(422, {
        type: 'about:blank',
        title: 'The current password is wrong',
        status: 422,
        code: 'CURRENT_PASSWORD_WRONG',
        detail: 'The current password is wrong',
      }),
    );
    const jd = client(fetch);
    const input = { currentPassword: 'old-password', newPassword: 'new-password-1' };
    expect(await jd.settings.changePassword('alice@example.com', input)).toEqual({ endedSessions: 2 });
    expect(await jd.settings.endSessions('alice@example.com', { allOthers: true })).toEqual({ ended: 1 });
    const wrong = await jd.settings.changePassword('alice@example.com', input).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(ValidationError);
    expect((wrong as ValidationError).code).toBe('CURRENT_PASSWORD_WRONG');
    expect(calls.map((c) => [c.method, c.url.pathname, c.body])).toEqual([
      ['POST', '/api/v1/users/alice%40example.com/password', input],
      ['POST', '/api/v1/users/alice%40example.com/sessions/end', { allOthers: true }],
      ['POST', '/api/v1/users/alice%40example.com/password', input],
    ]);
  });
});
