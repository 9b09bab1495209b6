import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/index.js';
import { createFailureLimiter } from './auth/index.js';
import { basic, bearer, buildTestApi } from './testing/build-app.js';

describe('errors are RFC 9457 problems', () => {
  it('answers an unknown route with a 404 problem', async () => {
    const { app } = await buildTestApi();
    const res = await app.inject({ method: 'GET', url: '/api/v1/nothing-here?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toEqual({
      type: 'https://jdmail.dev/problems/not-found',
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

  it('throttles failed sign-ins per IP with 429 and Retry-After, valid credentials included', async () => {
    const { app } = await buildTestApi({
      authLimiter: createFailureLimiter({ maxFailures: 3, windowMs: 30_000 }),
    });
    for (let i = 0; i < 3; i++) {
      const res = await app.inject({
        method: 'GET',
        url: '/api/v1/domains',
        headers: bearer(`jdk_guess${i}`),
      });
      expect(res.statusCode).toBe(401);
    }
    const blocked = await app.inject({ method: 'GET', url: '/api/v1/domains', headers: bearer('jdk_admin') });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().code).toBe('RATE_LIMITED');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    const otherIp = await app.inject({
      method: 'GET',
      url: '/api/v1/domains',
      headers: bearer('jdk_admin'),
      remoteAddress: '10.9.9.9',
    });
    expect(otherIp.statusCode).toBe(200);
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
