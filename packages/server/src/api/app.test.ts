import { describe, expect, it } from 'vitest';
import { LOGIN_RULES } from '../limits/index.js';
import { AppError } from '../shared/index.js';
import { patternMeaning } from './schemas/patterns.js';
import { basic, bearer, buildTestApi } from './testing/build-app.js';

describe('errors are RFC 9457 problems', () => {
  it('answers an unknown route with a 404 problem', async () => {
    const { app } = await buildTestApi();
    const res = await app.inject({ method: 'GET', url: '/api/v1/nothing-here?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toEqual({
      type: '/docs/errors#NOT_FOUND',
      title: 'Not found',
      status: 404,
      detail: 'No route for GET /api/v1/nothing-here',
      code: 'NOT_FOUND',
      instance: '/api/v1/nothing-here',
    });
  });

  it('turns schema errors into 422 VALIDATION_FAILED naming each field', async () => {
    const { app } = await buildTestApi();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer('jdk_admin'),
      payload: { address: 'x@example.com', displayname: 'typo' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'displayname', message: 'is not a known property' }],
    });
    const missing = await app.inject({
      method: 'POST',
      url: '/api/v1/domains',
      headers: bearer('jdk_admin'),
      payload: {},
    });
    expect(missing.json().errors).toEqual([{ field: 'name', message: "must have required property 'name'" }]);
    const query = await app.inject({
      method: 'GET',
      url: '/api/v1/users?limit=0',
      headers: bearer('jdk_admin'),
    });
    expect(query.json().errors[0].field).toBe('query.limit');
  });

  it('says what a malformed value should be in words, never as a regular expression', async () => {
    const { app } = await buildTestApi();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer('jdk_admin'),
      payload: { address: 'alice at example.com' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toEqual([
      { field: 'address', message: 'must be an e-mail address (name@example.com)' },
    ]);
    expect(res.json().detail).toBe('address: must be an e-mail address (name@example.com)');
    // Every pattern any operation checks has its words: walk the document for them.
    const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const patterns = new Set<string>();
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if (k === 'pattern' && typeof x === 'string') patterns.add(x);
          else walk(x);
        }
      }
    };
    walk(doc);
    expect(patterns.size).toBeGreaterThan(3);
    for (const p of patterns) expect(patternMeaning(p), p).not.toBe('is not in the expected form');
  });

  it('passes a service error naming a field through as a field error', async () => {
    const { app, directory } = await buildTestApi();
    directory.createDomain = async () => {
      throw new AppError('VALIDATION_FAILED', 'name: "x" is not a valid domain name', { field: 'name' });
    };
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/domains',
      headers: bearer('jdk_admin'),
      payload: { name: 'x' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toEqual([{ field: 'name', message: '"x" is not a valid domain name' }]);
  });

  it('answers malformed JSON with 400, non-JSON with 415 and a too-large body with 413', async () => {
    const { app } = await buildTestApi();
    const headers = { ...bearer('jdk_admin'), 'content-type': 'application/json' };
    const bad = await app.inject({ method: 'POST', url: '/api/v1/domains', headers, payload: '{"name":' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('BAD_REQUEST');
    const text = await app.inject({
      method: 'POST',
      url: '/api/v1/domains',
      headers: { ...bearer('jdk_admin'), 'content-type': 'text/plain' },
      payload: 'name=x',
    });
    expect(text.statusCode).toBe(415);
    expect(text.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const big = await app.inject({
      method: 'POST',
      url: '/api/v1/domains',
      headers,
      payload: JSON.stringify({ name: 'x'.repeat(100 * 1024) }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('hides unexpected errors behind 500 INTERNAL and logs them', async () => {
    const { app, directory, logLines } = await buildTestApi();
    directory.listDomains = async () => {
      throw new Error('SQLITE_CORRUPT at /var/lib/secret.db');
    };
    const res = await app.inject({ method: 'GET', url: '/api/v1/domains', headers: bearer('jdk_admin') });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ code: 'INTERNAL', status: 500 });
    expect(res.body).not.toContain('SQLITE');
    expect(logLines.join('')).toContain('SQLITE_CORRUPT');
  });

  it('answers 507 STORAGE_FULL when the disk is full, hiding the driver error and logging it', async () => {
    const { app, directory, logLines } = await buildTestApi();
    directory.listDomains = async () => {
      const e = new AppError('INTERNAL', 'could not read');
      e.cause = Object.assign(new Error('database or disk is full: /var/lib/jdmail.db'), {
        code: 'SQLITE_FULL',
      });
      throw e;
    };
    const res = await app.inject({ method: 'GET', url: '/api/v1/domains', headers: bearer('jdk_admin') });
    expect(res.statusCode).toBe(507);
    expect(res.json()).toMatchObject({ code: 'STORAGE_FULL', status: 507, title: 'Insufficient storage' });
    expect(res.body).not.toContain('/var/lib');
    expect(logLines.join('')).toContain('database or disk is full');
  });
});

describe('authentication', () => {
  it('asks for credentials with WWW-Authenticate on 401', async () => {
    const { app } = await buildTestApi();
    const res = await app.inject({ method: 'GET', url: '/api/v1/domains' });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('UNAUTHENTICATED');
    expect(res.headers['www-authenticate']).toEqual([
      'Bearer realm="jdmail"',
      'Basic realm="jdmail", charset="UTF-8"',
    ]);
    const wrong = await app.inject({ method: 'GET', url: '/api/v1/domains', headers: bearer('jdk_wrong') });
    expect(wrong.statusCode).toBe(401);
  });

  it('accepts Basic credentials of a user and acts by role', async () => {
    const { app, directory } = await buildTestApi();
    await directory.createUser({ address: 'alice@example.com', password: 'correct horse' });
    const self = await app.inject({
      method: 'GET',
      url: '/api/v1/users/ALICE@example.com',
      headers: basic('alice@example.com', 'correct horse'),
    });
    expect(self.statusCode).toBe(200);
    expect(self.json().address).toBe('alice@example.com');
    const domains = await app.inject({
      method: 'GET',
      url: '/api/v1/domains',
      headers: basic('alice@example.com', 'correct horse'),
    });
    expect(domains.statusCode).toBe(403);
    expect(domains.json().code).toBe('INSUFFICIENT_SCOPE');
    const bad = await app.inject({
      method: 'GET',
      url: '/api/v1/domains',
      headers: basic('alice@example.com', 'nope'),
    });
    expect(bad.statusCode).toBe(401);
  });

  it('counts Basic guesses before checking them: a parallel burst is held to the budget (429 + Retry-After)', async () => {
    const { app, directory } = await buildTestApi();
    await directory.createUser({ address: 'alice@example.com', password: 'correct horse' });
    const check = directory.authenticate.bind(directory);
    let checked = 0;
    directory.authenticate = async (address, password) => {
      checked++;
      await new Promise((r) => setTimeout(r, 20)); // a password hash takes a while
      return check(address, password);
    };
    const burst = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        app.inject({
          method: 'GET',
          url: '/api/v1/domains',
          headers: basic('alice@example.com', `guess-${i}`),
        }),
      ),
    );
    const statuses = burst.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(LOGIN_RULES.pair.free + 1);
    expect(statuses.filter((s) => s === 429)).toHaveLength(50 - LOGIN_RULES.pair.free - 1);
    expect(checked).toBe(LOGIN_RULES.pair.free + 1);
    const refused = burst.find((r) => r.statusCode === 429);
    expect(refused?.json().code).toBe('RATE_LIMITED');
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThan(0);
    // Even the right password waits here (the answer must not tell a guess was right) …
    const self = { method: 'GET' as const, url: '/api/v1/users/alice@example.com' };
    expect(
      (await app.inject({ ...self, headers: basic('alice@example.com', 'correct horse') })).statusCode,
    ).toBe(429);
    // … but from another address it works, and a valid key from this one was never held up.
    const elsewhere = await app.inject({
      ...self,
      headers: basic('alice@example.com', 'correct horse'),
      remoteAddress: '10.9.9.9',
    });
    expect(elsewhere.statusCode).toBe(200);
    expect((await app.inject({ ...self, headers: bearer('jdk_admin') })).statusCode).toBe(200);
  });

  it('never holds up a valid key for bad passwords or bad keys from its address', async () => {
    const { app } = await buildTestApi();
    const domains = (headers: Record<string, string>) =>
      app.inject({ method: 'GET', url: '/api/v1/domains', headers });
    for (let i = 0; i < 2 * LOGIN_RULES.address.free; i++)
      await domains(basic(`user${i}@example.com`, 'spray'));
    expect((await domains(basic('another@example.com', 'spray'))).statusCode).toBe(429);
    expect((await domains(bearer('jdk_admin'))).statusCode).toBe(200);
    // Wrong keys have their own budget: past it a wrong one gets 429, the right one still 200.
    const answers = [];
    for (let i = 0; i <= LOGIN_RULES.secrets.free + 1; i++)
      answers.push((await domains(bearer(`jdk_guess${i}`))).statusCode);
    expect(answers.slice(0, LOGIN_RULES.secrets.free + 1).every((s) => s === 401)).toBe(true);
    expect(answers.at(-1)).toBe(429);
    expect((await domains(bearer('jdk_admin'))).statusCode).toBe(200);
  });

  it('refuses to start when a route declares no requirement', async () => {
    const { app } = await buildTestApi();
    expect(() => app.get('/api/v1/oops', async () => 'open')).toThrow(/declares no auth requirement/);
  });
});

describe('health and OpenAPI', () => {
  it('answers /healthz and /readyz without credentials', async () => {
    let ready = false;
    const { app } = await buildTestApi({ isReady: () => ready });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    ready = true;
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('serves an OpenAPI 3.1 document with named models and an operationId on every operation', async () => {
    const { app } = await buildTestApi();
    const res = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.components.securitySchemes)).toEqual([
      'bearerAuth',
      'appToken',
      'oauthClient',
      'basicAuth',
      'widgetToken',
      'cookieAuth',
    ]);
    expect(doc.components.schemas).toHaveProperty('User');
    expect(doc.components.schemas).toHaveProperty('Problem');
    const ops = Object.values(doc.paths).flatMap((p) =>
      Object.values(p as Record<string, { operationId?: string }>),
    );
    expect(ops.length).toBeGreaterThan(25);
    for (const o of ops) expect(o.operationId).toBeTruthy();
    expect(JSON.stringify(doc)).not.toContain('def-');
  });

  it('serves the docs at /docs', async () => {
    const { app } = await buildTestApi();
    const res = await app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });
});
