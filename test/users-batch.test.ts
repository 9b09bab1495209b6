import { JdMail } from '@jdmail/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServer, type TestServer } from './harness/server.js';

// Bulk provisioning as an HR or OA system does it: a thousand employees in
// one call, into their departments, with one bad row failing only itself, and
// a re-run that changes nothing.
describe('POST /api/v1/users:batch', () => {
  let server: TestServer;
  let admin: JdMail;
  let sales: string;

  beforeAll(async () => {
    server = await startServer();
    admin = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '', timeoutMs: 120_000 });
    await admin.domains.create('corp.test');
    await admin.domains.create('other.test');
    sales = (await admin.groups.create({ domain: 'corp.test', name: '销售部', kind: 'department' })).id;
  });
  afterAll(() => server?.destroy());

  it('makes 1,000 users in one call, each row answered on its own, in order', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({
      address: `e${String(i).padStart(4, '0')}@corp.test`,
      displayName: `员工 ${i}`,
      departments: [sales],
    }));
    rows[10] = { address: 'not an address', displayName: 'x', departments: [] };
    rows[20] = { ...(rows[20] as (typeof rows)[number]), address: 'e0000@corp.test' }; // a duplicate of row 0
    rows[30] = { address: 'e0030@corp.test', displayName: 'x', departments: ['no-such-department'] };
    const started = Date.now();
    const out = await admin.users.createMany(rows);
    const seconds = (Date.now() - started) / 1000;
    console.log(`users:batch made ${out.created} users without passwords in ${seconds.toFixed(1)} s`);
    expect([out.created, out.exists, out.failed]).toEqual([997, 0, 3]);
    expect(out.results.map((r) => r.index)).toEqual(rows.map((_, i) => i));
    const failed = out.results.filter((r) => r.status === 'failed');
    expect(failed.map((r) => [r.index, r.error?.status, r.error?.code])).toEqual([
      [10, 422, 'VALIDATION_FAILED'],
      [20, 409, 'ADDRESS_TAKEN'],
      [30, 404, 'GROUP_NOT_FOUND'],
    ]);
    expect(failed[0]?.error?.errors).toEqual([
      { field: 'address', message: 'must be an e-mail address (name@example.com)' },
    ]);
    const made = out.results[999];
    expect(made?.user).toMatchObject({
      address: 'e0999@corp.test',
      departments: [{ id: sales, name: '销售部' }],
    });
    expect((await admin.groups.get(sales)).memberCount).toBe(997);
  });

  it('hashes passwords for rows that have one, and a re-run with skipExisting changes nothing', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => ({
      address: `p${i}@corp.test`,
      password: `password-${i}-long`,
    }));
    const first = await admin.users.createMany(rows);
    expect(first.created).toBe(12);
    // Each made user can sign in with the password given in the batch.
    const res = await fetch(`${server.baseUrl}/api/v1/users/p7@corp.test`, {
      headers: { authorization: `Basic ${Buffer.from('p7@corp.test:password-7-long').toString('base64')}` },
    });
    expect(res.status).toBe(200);
    const again = await admin.users.createMany(rows, { skipExisting: true });
    expect([again.created, again.exists, again.failed]).toEqual([0, 12, 0]);
    expect(again.results[3]?.user?.address).toBe('p3@corp.test');
    const withoutSkip = await admin.users.createMany(rows.slice(0, 1));
    expect(withoutSkip.results[0]?.error?.code).toBe('ADDRESS_TAKEN');
  });

  it('holds a domain-restricted key to its domain, row by row, alike for existing and missing addresses', async () => {
    const key = (
      await runCli(['apikey', 'create', '--name', 'hr', '--scopes', 'users:write', '--domain', 'corp.test'], {
        JDMAIL_DATA_DIR: server.dataDir,
      })
    ).trim();
    await admin.users.create({ address: 'boss@other.test' });
    const hr = new JdMail({ baseUrl: server.baseUrl, token: key });
    const out = await hr.users.createMany(
      [
        { address: 'new1@corp.test' },
        { address: 'boss@other.test' },
        { address: 'nobody@other.test' },
        { address: 'new2@corp.test', aliases: ['ceo@other.test'] },
        { address: 'new3@corp.test', role: 'admin' },
      ],
      { skipExisting: true },
    );
    expect(out.results.map((r) => [r.status, r.error?.status ?? 201, r.error?.code ?? null])).toEqual([
      ['created', 201, null],
      ['failed', 404, 'DOMAIN_NOT_FOUND'],
      ['failed', 404, 'DOMAIN_NOT_FOUND'],
      ['failed', 404, 'DOMAIN_NOT_FOUND'],
      ['failed', 403, 'FORBIDDEN'],
    ]);
    await expect(admin.users.get('new2@corp.test')).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
  });

  it('refuses more than 1,000 rows at once, and callers without users:write', async () => {
    const res = await fetch(`${server.baseUrl}/api/v1/users:batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        users: Array.from({ length: 1001 }, (_, i) => ({ address: `x${i}@corp.test` })),
      }),
    });
    expect(res.status).toBe(422);
    const reader = (
      await runCli(['apikey', 'create', '--name', 'ro', '--scopes', 'users:read'], {
        JDMAIL_DATA_DIR: server.dataDir,
      })
    ).trim();
    await expect(
      new JdMail({ baseUrl: server.baseUrl, token: reader }).users.createMany([{ address: 'z@corp.test' }]),
    ).rejects.toMatchObject({ status: 403, code: 'INSUFFICIENT_SCOPE' });
  });
});
