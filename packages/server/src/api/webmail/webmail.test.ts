import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, type TestApi } from '../testing/build-app.js';
import { findWebmailDist } from './locate.js';

describe('webmail at /', () => {
  let dir: string;
  let t: TestApi;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jdmail-webmail-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>jdmail</title>');
    await writeFile(join(dir, 'admin.html'), '<!doctype html><title>jdmail console</title>');
    await writeFile(join(dir, 'assets', 'index-AbC123.js'), 'console.log(1)');
    t = await buildTestApi({ webmail: { dir } });
  });
  afterAll(async () => {
    await t.app.close();
    await rm(dir, { recursive: true, force: true });
  });
  const get = (url: string, method: 'GET' | 'HEAD' | 'POST' = 'GET') => t.app.inject({ method, url });

  it('answers app routes with index.html, uncached, under a strict policy', async () => {
    for (const url of ['/', '/login?error=link_invalid', '/m/0190abc', '/some/deep/route']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body).toBe('<!doctype html><title>jdmail</title>');
      expect(res.headers['cache-control']).toBe('no-cache');
    }
    const res = await get('/');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("img-src 'self' data: blob:;");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    });
    expect((await get('/', 'HEAD')).statusCode).toBe(200);
  });

  it('answers /admin and every path below it with the console page, under the same headers', async () => {
    const webmail = await get('/');
    // Console paths end in domain names and addresses, which look like file names: still the console.
    for (const url of [
      '/admin',
      '/admin/',
      '/admin/users/example.com?q=li',
      '/admin/users/a/li@example.com',
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toBe('<!doctype html><title>jdmail console</title>');
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
      for (const h of [
        'content-security-policy',
        'x-content-type-options',
        'referrer-policy',
        'x-frame-options',
      ])
        expect(res.headers[h], `${url} ${h}`).toBe(webmail.headers[h]);
    }
    // Not the console: a longer first segment, a folder named admin.
    for (const url of ['/administrator', '/f/admin'])
      expect((await get(url)).body, url).toBe('<!doctype html><title>jdmail</title>');
  });

  it('widens img-src only for a message the user allowed remote images for', async () => {
    const allowed = String((await get('/m/0190abc?images=1')).headers['content-security-policy']);
    expect(allowed).toContain("img-src 'self' data: blob: https: http:;");
    expect(allowed).toContain("script-src 'self';");
    for (const url of ['/?images=1', '/login?images=1', '/m/0190abc?images=yes', '/m/a/b?images=1']) {
      expect(String((await get(url)).headers['content-security-policy']), url).toContain(
        "img-src 'self' data: blob:;",
      );
    }
  });

  it('serves hashed assets for a year, immutable', async () => {
    const res = await get('/assets/index-AbC123.js');
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('console.log(1)');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('leaves server paths, missing files and other methods to the 404 problem', async () => {
    for (const url of [
      '/api/v1/nope',
      '/auth/nope',
      '/.well-known/nope',
      '/assets/missing.js',
      '/favicon.ico',
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    }
    expect((await get('/', 'POST')).statusCode).toBe(404);
    expect((await get('/healthz')).json()).toEqual({ status: 'ok' });
  });

  it('finds the workspace build through the @jdmail/webmail dependency, or says it is missing', () => {
    const found = findWebmailDist();
    // pnpm test builds the webmail before these tests run.
    expect(found).toMatch(/packages[/\\]webmail[/\\]dist$/);
  });
});
