import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, buildTestApi, type TestApi } from '../testing/build-app.js';
import { buildWebApi } from '../testing/build-web-app.js';
import { inputProblem } from './input-rules.js';
import { markInputs } from './mark-inputs.js';

describe('input rules', () => {
  it('keeps NUL, control characters and unpaired surrogates out of single lines', () => {
    expect(inputProblem('line', 'Ada Lovelace 😀 Дмитрий')).toBeNull();
    expect(inputProblem('line', 'a\u0000b')).toMatch(/U\+0000/);
    expect(inputProblem('line', 'two\nlines')).toMatch(/U\+000A/);
    expect(inputProblem('line', 'del\u007f')).toMatch(/U\+007F/);
    expect(inputProblem('line', 'half \ud83d')).toMatch(/unpaired surrogate, U\+D83D/);
    expect(inputProblem('line', '\ude00 half')).toMatch(/U\+DE00/);
  });

  it('lets multi-line text have tabs, line breaks and form feeds, and nothing else', () => {
    expect(inputProblem('text', 'one\r\ntwo\n\tthree\fpage')).toBeNull();
    expect(inputProblem('text', 'a\u0000b')).toMatch(/U\+0000/);
    expect(inputProblem('text', 'bell\u0007')).toMatch(/U\+0007/);
    expect(inputProblem('text', '\ud800')).toMatch(/surrogate/);
  });

  it('wants numbers finite', () => {
    expect(inputProblem('number', 5)).toBeNull();
    expect(inputProblem('number', Number.POSITIVE_INFINITY)).toBe('must be a finite number');
    expect(inputProblem('number', Number.NaN)).toBe('must be a finite number');
  });

  it('marks every string and number of a schema, leaving the original and its values alone', () => {
    const schema = {
      type: 'object',
      properties: {
        name: { type: 'string' },
        body: { type: 'string', contentMediaType: 'text/plain' },
        to: {
          type: 'array',
          items: { anyOf: [{ type: 'string' }, { type: 'object', properties: { n: { type: 'integer' } } }] },
        },
        nick: { type: ['string', 'null'], default: 'x' },
        kind: { enum: ['a', 'b'] },
      },
    };
    const copy = JSON.parse(JSON.stringify(schema));
    const marked = markInputs(schema, 'body') as typeof schema & Record<string, never>;
    expect(schema).toEqual(copy);
    expect(marked).toMatchObject({
      properties: {
        name: { jdmailInput: 'line' },
        body: { jdmailInput: 'text' },
        to: { items: { anyOf: [{ jdmailInput: 'line' }, { properties: { n: { jdmailInput: 'number' } } }] } },
        nick: { jdmailInput: 'line', default: 'x' },
      },
    });
    expect(marked.properties.kind).toEqual({ enum: ['a', 'b'] });
    expect((markInputs(schema, 'querystring') as typeof marked).properties.body).toHaveProperty(
      'jdmailInput',
      'line',
    );
  });
});

describe('invalid text and numbers on every route', () => {
  let t: TestApi;
  beforeEach(async () => {
    t = await buildTestApi();
    await t.directory.createUser({ address: 'alice@example.com', password: 'alice-password' });
  });
  afterEach(() => t.app.close());

  const request = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    t.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: bearer('jdk_admin'),
      ...(payload ? { payload } : {}),
    });
  const fieldOf = async (
    res: Promise<{ statusCode: number; json(): { code: string; errors: { field: string }[] } }>,
  ) => {
    const r = await res;
    expect(r.statusCode).toBe(422);
    expect(r.json().code).toBe('VALIDATION_FAILED');
    return r.json().errors[0]?.field;
  };

  it('answers a limit of 1e309 or Infinity with 422, not 500', async () => {
    for (const path of ['/users', '/domains', '/apps', '/directory/address-book', '/directory/sync']) {
      for (const limit of ['1e309', 'Infinity', '-Infinity']) {
        expect(await fieldOf(request('GET', `${path}?limit=${limit}`)), `${path}?limit=${limit}`).toBe(
          'query.limit',
        );
      }
    }
    expect(await fieldOf(request('GET', '/users/alice@example.com/messages?limit=1e309'))).toBe(
      'query.limit',
    );
  });

  it('refuses NUL and control characters in paths and queries', async () => {
    expect(await fieldOf(request('GET', '/users/a%00b@example.com'))).toBe('path.address');
    expect(await fieldOf(request('GET', '/users?q=%00'))).toBe('query.q');
    expect(await fieldOf(request('GET', '/users?q=a%0Ab'))).toBe('query.q');
    expect(await fieldOf(request('GET', '/users/alice@example.com/messages?mailbox=%00'))).toBe(
      'query.mailbox',
    );
    expect(await fieldOf(request('GET', '/users?cursor=%00'))).toBe('query.cursor');
  });

  it('refuses them in bodies, naming the field, and takes multi-line message text', async () => {
    const user = (displayName: string) =>
      request('POST', '/users', { address: 'bob@example.com', password: 'bob-password', displayName });
    expect(await fieldOf(user('Bob\u0000'))).toBe('displayName');
    expect(await fieldOf(user('Bob\ud800'))).toBe('displayName');
    expect(await fieldOf(user('Bob\r\nBcc: everyone@example.com'))).toBe('displayName');
    expect((await user('Bob 😀')).statusCode).toBe(201);

    const send = (body: object) =>
      request('POST', '/users/alice@example.com/send', { to: ['alice@example.com'], subject: 'Hi', ...body });
    expect(await fieldOf(send({ subject: 'a\u0000b' }))).toBe('subject');
    expect(await fieldOf(send({ to: [{ name: 'x\u0000', address: 'alice@example.com' }] }))).toMatch(
      /^to\[0\]/,
    );
    expect(await fieldOf(send({ text: 'bell \u0007' }))).toBe('text');
    expect(await fieldOf(send({ html: '<p>\u0000</p>' }))).toBe('html');
    expect(
      (await send({ text: 'Dear Ada,\r\n\r\n\tthe figures:\f page two', html: '<p>\n</p>' })).statusCode,
    ).toBe(201);
    expect(t.mail.sent.at(-1)?.input.text).toBe('Dear Ada,\r\n\r\n\tthe figures:\f page two');
  });

  it('refuses a NUL in a list of addresses', async () => {
    const res = await request('POST', '/unread-counts', {
      users: ['alice@example.com', 'a\u0000@example.com'],
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0].field).toBe('users[1]');
  });
});

describe('invalid text at sign-in, a route open to anyone', () => {
  it('answers 422 naming the field, before any lookup', async () => {
    const web = await buildWebApi();
    try {
      const cases: [string, string][] = [
        ['alice\u0000@example.com', 'alice-password'],
        ['alice@example.com', 'pass\u0000word'],
        ['alice\udc00@example.com', 'alice-password'],
      ];
      for (const [address, password] of cases) {
        const res = await web.app.inject({
          method: 'POST',
          url: '/auth/login',
          payload: { address, password },
        });
        expect(res.statusCode).toBe(422);
        expect(res.json().errors[0].field).toBe(address.startsWith('alice@') ? 'password' : 'address');
      }
    } finally {
      await web.close();
    }
  });
});
