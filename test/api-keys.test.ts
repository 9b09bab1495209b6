import { AuthenticationError, JdMail, NotFoundError, PermissionError } from '@jdmail/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logUntil, runCli, startServer, type TestServer } from './harness/server.js';

// Key management as an integrator and an operator use it: the CLI and the
// REST API (through the SDK) on a real server. A leaked key can be revoked
// and stops at once; a rotated one works on through its grace period.
describe('API key management', () => {
  let server: TestServer;
  let admin: JdMail;
  const env = () => ({ JDMAIL_DATA_DIR: server.dataDir });
  const as = (token: string) => new JdMail({ baseUrl: server.baseUrl, token, maxRetries: 0 });
  /** Whether the server takes the key: a 401 says no; anything else (an answer, or 403 for scope) yes. */
  const works = async (token: string) =>
    as(token)
      .domains.list()
      .then(
        () => true,
        (err: unknown) => !(err instanceof AuthenticationError),
      );

  beforeAll(async () => {
    server = await startServer();
    admin = as(server.adminKey ?? '');
    await admin.domains.create('a.test');
    await admin.domains.create('b.test');
  });
  afterAll(() => server?.destroy());

  it('CLI: lists keys without secrets, rotates with a grace period, revokes at once', async () => {
    const key = (await runCli(['apikey', 'create', '--name', 'erp', '--scopes', 'users:read'], env())).trim();
    expect(await works(key)).toBe(true);
    const line = (await runCli(['apikey', 'list'], env())).split('\n').find((l) => l.endsWith('\terp')) ?? '';
    const [id, prefix, domain, scopes, used, expires] = line.split('\t');
    expect([prefix, domain, scopes, expires]).toEqual([
      `${key.slice(0, 12)}…`,
      '*',
      'users:read',
      'expires -',
    ]);
    expect(used).toMatch(/^used \d{4}-\d\d-\d\dT/); // it was just used
    expect(await runCli(['apikey', 'list'], env())).not.toContain(key);

    const next = (await runCli(['apikey', 'rotate', id ?? '', '--grace', '3600'], env())).trim();
    expect(next).toMatch(/^jdk_[A-Za-z0-9_-]{43}$/);
    expect([await works(key), await works(next)]).toEqual([true, true]);
    const listed = await runCli(['apikey', 'list'], env());
    expect(listed).toMatch(new RegExp(`^${id}\\t.*\\texpires \\d{4}-.*\\terp$`, 'm'));

    expect(await runCli(['apikey', 'revoke', id ?? ''], env())).toBe(`revoked ${id}\n`);
    expect([await works(key), await works(next)]).toEqual([false, true]);
    await expect(runCli(['apikey', 'revoke', id ?? ''], env())).rejects.toThrow(/API_KEY_NOT_FOUND/);
  });

  it('REST: a leaked key is revoked and refused at once; a rotation without grace replaces it now', async () => {
    const { key, apiKey } = await admin.apiKeys.create({
      name: 'portal',
      scopes: ['mail:read'],
      domain: 'a.test',
    });
    expect(apiKey).toMatchObject({
      name: 'portal',
      scopes: ['mail:read'],
      domain: 'a.test',
      expiresAt: null,
    });
    expect(apiKey.prefix).toBe(key.slice(0, 12));
    const listed = await admin.apiKeys.list().toArray();
    expect(listed.map((k) => k.id)).toContain(apiKey.id);
    expect(JSON.stringify(listed)).not.toContain(key);

    const rotated = await admin.apiKeys.rotate(apiKey.id, { graceSeconds: 0 });
    expect(await works(key)).toBe(false);
    await expect(admin.apiKeys.get(apiKey.id)).rejects.toBeInstanceOf(NotFoundError);
    await admin.apiKeys.revoke(rotated.apiKey.id);
    await expect(as(rotated.key).mail.unreadCount('x@a.test')).rejects.toBeInstanceOf(AuthenticationError);
    await logUntil(server, /"api key revoked"/);
  });

  it('rotates over plain HTTP with no body, with the default grace of a day', async () => {
    const { apiKey, key } = await admin.apiKeys.create({ name: 'curl', scopes: ['domains:read'] });
    const res = await fetch(`${server.baseUrl}/api/v1/api-keys/${apiKey.id}/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminKey}` },
    });
    expect(res.status).toBe(201);
    const old = await admin.apiKeys.get(apiKey.id);
    const day = Date.parse(old.expiresAt ?? '') - Date.now();
    expect(day).toBeGreaterThan(23 * 3600_000);
    expect(day).toBeLessThanOrEqual(24 * 3600_000);
    expect(await works(key)).toBe(true);
  });

  it('a domain-restricted key manages only its domain’s keys, and only with scopes it holds', async () => {
    const a = (
      await admin.apiKeys.create({ name: 'a admin', scopes: ['apps:write', 'mail:read'], domain: 'a.test' })
    ).key;
    const mine = await as(a).apiKeys.create({ name: 'a reader', scopes: ['mail:read'], domain: 'a.test' });
    await expect(
      as(a).apiKeys.create({ name: 'b reader', scopes: ['mail:read'], domain: 'b.test' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(as(a).apiKeys.create({ name: 'global', scopes: ['mail:read'] })).rejects.toBeInstanceOf(
      PermissionError,
    );
    await expect(
      as(a).apiKeys.create({ name: 'escalate', scopes: ['users:write'], domain: 'a.test' }),
    ).rejects.toMatchObject({ code: 'INSUFFICIENT_SCOPE' });
    const b = await admin.apiKeys.create({ name: 'b reader', scopes: ['mail:read'], domain: 'b.test' });
    const seen = (await as(a).apiKeys.list().toArray()).map((k) => k.domain);
    expect(new Set(seen)).toEqual(new Set(['a.test']));
    // Another domain's key, and an unrestricted one, are as absent as a key that never was.
    for (const id of [b.apiKey.id, 'nonexistent']) {
      await expect(as(a).apiKeys.revoke(id)).rejects.toMatchObject({ code: 'API_KEY_NOT_FOUND' });
    }
    expect(await works(b.key)).toBe(true);
    await as(a).apiKeys.revoke(mine.apiKey.id);
    expect(await works(mine.key)).toBe(false);
  });
});
