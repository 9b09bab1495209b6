import { afterAll, describe, expect, it } from 'vitest';
import { basic, bearer, buildTestApi } from '../testing/build-app.js';
import { checkJsonBudget } from './json-budget.js';
import { createJsonBodyParser } from './json-parser.js';

const bytes = (s: string) => Buffer.from(s);
const wideObject = (n: number) => `{${Array.from({ length: n }, (_, i) => `"k${i}":0`).join(',')}}`;
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('the JSON value budget', () => {
  const budget = { maxValues: 100, maxDepth: 4 };

  it('takes bodies within it and refuses wider or deeper ones before parsing', () => {
    expect(() => checkJsonBudget(bytes(`[${Array(100).fill(0).join(',')}]`), budget)).not.toThrow();
    expect(() => checkJsonBudget(bytes(`[${Array(101).fill(0).join(',')}]`), budget)).toThrow(
      expect.objectContaining({ code: 'PAYLOAD_TOO_LARGE', status: 413 }),
    );
    expect(() => checkJsonBudget(bytes(wideObject(200)), budget)).toThrow(/more than 100/);
    expect(() => checkJsonBudget(bytes(nested(4)), budget)).not.toThrow();
    expect(() => checkJsonBudget(bytes(nested(5)), budget)).toThrow(/deeper than 4/);
  });

  it('does not count commas and brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ a: `,,,[[[[[{{{{ \\" "${','.repeat(500)}\\\\`, b: 'x"]]],,,' });
    expect(() => checkJsonBudget(bytes(text), budget)).not.toThrow();
    // the string ends at the quote after an escaped backslash; what follows counts again
    const after = `["\\\\",${Array(120).fill(0).join(',')}]`;
    expect(() => checkJsonBudget(bytes(after), budget)).toThrow(/more than 100/);
  });
});

describe('the JSON body parser', () => {
  // A threshold of 16 bytes sends all but the smallest bodies to the parser thread.
  const parser = createJsonBodyParser({ threshold: 16 });
  afterAll(() => parser.close());

  it('parses small bodies inline and large ones on its thread, to the same values', async () => {
    expect(await parser.parse(bytes('{"a":1}'))).toEqual({ a: 1 });
    const value = { to: ['a@example.com'], text: 'x'.repeat(100_000), n: [1, 2.5, null, true] };
    expect(await parser.parse(bytes(JSON.stringify(value)))).toEqual(value);
    const many = await Promise.all(
      [1, 2, 3].map((n) => parser.parse(bytes(JSON.stringify({ n, pad: 'p'.repeat(50) })))),
    );
    expect(many.map((v) => (v as { n: number }).n)).toEqual([1, 2, 3]);
  });

  it('refuses what fastify’s parser refuses, on the thread too: bad JSON, prototype poisoning', async () => {
    for (const text of ['{"a":', '{"a":1}}', '{"__proto__":{"admin":true},"pad":"xxxxxxxx"}']) {
      await expect(parser.parse(bytes(text))).rejects.toMatchObject({ code: 'BAD_REQUEST', status: 400 });
    }
    await expect(
      parser.parse(bytes('{"constructor":{"prototype":{"admin":true}},"pad":"xxxx"}')),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(parser.parse(Buffer.alloc(0))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('refuses a body of a million keys on the thread, without parsing it', async () => {
    await expect(parser.parse(bytes(wideObject(1_000_000)))).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: expect.stringMatching(/more than 10000/),
    });
    expect(await parser.parse(bytes(wideObject(10)))).toHaveProperty('k9', 0);
  });
});

describe('body limits by route', () => {
  it('reads no body of an authenticated route before the caller is known', async () => {
    const t = await buildTestApi();
    // Not JSON at all: a 401 (not a 400) shows it was never parsed.
    const garbage = `{${'x'.repeat(60 * 1024)}`;
    const post = (headers: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: { 'content-type': 'application/json', ...headers },
        payload: garbage,
      });
    expect((await post({})).statusCode).toBe(401);
    expect((await post(basic('nobody@example.com', 'wrong-password'))).statusCode).toBe(401);
    expect((await post(bearer('jdk_admin'))).json()).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    await t.app.close();
  });

  it('gives authenticated routes the default limit and only the send route the large one', async () => {
    const t = await buildTestApi({
      config: { api: { bodyLimit: 256 * 1024, defaultBodyLimit: 32 * 1024, docs: false } },
    });
    await t.directory.createUser({ address: 'alice@example.com', password: 'alice-password' });
    const post = (url: string, payload: object) =>
      t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: bearer('jdk_admin'), payload });
    const pad = 'p'.repeat(40 * 1024);
    const user = await post('/users', {
      address: 'bob@example.com',
      password: 'bob-password',
      displayName: pad,
    });
    expect(user.json()).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    const sent = await post('/users/alice@example.com/send', {
      to: ['alice@example.com'],
      subject: 's',
      text: pad,
    });
    expect(sent.statusCode).toBe(201);
    const tooBig = await post('/users/alice@example.com/send', {
      to: ['alice@example.com'],
      subject: 's',
      text: pad.repeat(7),
    });
    expect(tooBig.statusCode).toBe(413);
    await t.app.close();
  });

  it('limits the bodies of public routes and of requests to no route to a few KB', async () => {
    const t = await buildTestApi();
    const json = { 'content-type': 'application/json' };
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const big = 'x'.repeat(9 * 1024);
    const cases = [
      { url: '/api/v1/oauth/token', headers: form, payload: `grant_type=client_credentials&scope=${big}` },
      { url: '/api/v1/no-such-route', headers: json, payload: JSON.stringify({ big }) },
      { url: '/readyz', headers: json, payload: JSON.stringify({ big }) },
    ];
    for (const { url, headers, payload } of cases) {
      const res = await t.app.inject({ method: 'POST', url, headers, payload });
      // The token endpoint answers in OAuth's terms (RFC 6749 §5.2), the others with a 413 problem.
      if (url.endsWith('/token')) expect(res.json().error_description, url).toMatch(/too large/);
      else expect(res.statusCode, url).toBe(413);
    }
    await t.app.close();
  });
});
