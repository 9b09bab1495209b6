import nodemailer from 'nodemailer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../packages/server/src/events/webhooks/testing/receiver.js';
import { openDatabase } from '../packages/server/src/store/index.js';
import { type TestDatabase, useDatabases } from './harness/databases.js';
import { startServer, type TestServer } from './harness/server.js';

// Webhooks end to end: the built server, mail delivered over SMTP (each
// message is a `message.new` in the event log), and real HTTP receivers that
// verify every delivery with the `standardwebhooks` package (not our code).

const databases = useDatabases();

/** Receivers run on 127.0.0.1, so the SSRF guard is relaxed; retries are quick. */
const SETTINGS = {
  JDMAIL_WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true',
  JDMAIL_WEBHOOKS_RETRY_BASE_SECONDS: '0.1',
  JDMAIL_WEBHOOKS_RETRY_MAX_SECONDS: '0.5',
  JDMAIL_WEBHOOKS_TIMEOUT_SECONDS: '2',
  JDMAIL_WEBHOOKS_POLL_SECONDS: '0.5',
  // On PostgreSQL a killed node's endpoints are taken over when its lease runs out.
  JDMAIL_WEBHOOKS_LEASE_SECONDS: '5',
};

type Json = Record<string, unknown>;

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const data = (r: Receiver) => r.accepted().map((d) => (d.event?.data ?? {}) as Json);

describe.each(databases.engines)('webhooks on %s', (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let rootKey: string;
  let keyA: string;
  const receivers: Receiver[] = [];

  const api = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, json: (await res.json().catch(() => null)) as Json };
  };
  const ok = async (token: string, method: string, path: string, body?: unknown) => {
    const r = await api(token, method, path, body);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.json)}`);
    return r.json;
  };
  const receiver = async () => {
    const r = await startReceiver();
    receivers.push(r);
    return r;
  };
  /** Registers `r` with `token`; the receiver then verifies with the secret shown once. */
  const register = async (token: string, r: Receiver, body: Json) => {
    const created = await ok(token, 'POST', '/webhooks', { url: r.url, ...body });
    r.secrets.push(created.secret as string);
    return (created.endpoint as Json).id as string;
  };
  const mailTo = async (to: string[], subjectOf: (i: number) => string, n: number) => {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: server.smtpPort, ignoreTLS: true });
    for (let i = 0; i < n; i++) {
      await t.sendMail({ from: 'x@sender.test', to: to[i % to.length], subject: subjectOf(i), text: 'hi' });
    }
    t.close();
  };

  beforeAll(async () => {
    db = await databases.fresh(engine);
    server = await startServer({ databaseUrl: db.databaseUrl, env: SETTINGS });
    rootKey = server.adminKey ?? '';
    for (const name of ['a.test', 'b.test']) await ok(rootKey, 'POST', '/domains', { name });
    for (const address of ['ann@a.test', 'bea@b.test']) await ok(rootKey, 'POST', '/users', { address });
    const key = await ok(rootKey, 'POST', '/api-keys', {
      name: 'oa vendor',
      scopes: ['webhooks:read', 'webhooks:write'],
      domain: 'a.test',
    });
    keyA = key.key as string;
  }, 180_000);
  afterEach(async () => {
    for (const r of receivers.splice(0)) await r.close();
  });
  afterAll(() => server?.destroy());

  it('delivers each tenant only its own events, in order, once each, through 500s and a timeout', async () => {
    const tenant = await receiver();
    const all = await receiver();
    // The tenant's receiver fails three times with 500, then hangs past the timeout once, then recovers.
    tenant.answer = (_d, n) => (n <= 3 ? 500 : n === 4 ? 'hang' : 200);
    const tenantId = await register(keyA, tenant, { eventTypes: ['message.new'], description: 'OA' });
    await register(rootKey, all, { domain: null, eventTypes: ['message.*'] });

    await mailTo(['ann@a.test', 'bea@b.test'], (i) => `m${i}`, 12);
    await until(() => all.accepted().length >= 12 && tenant.accepted().length >= 6, 'the deliveries');

    expect(data(all).map((d) => d.subject)).toEqual(Array.from({ length: 12 }, (_, i) => `m${i}`));
    expect(data(tenant).map((d) => [d.address, d.subject])).toEqual(
      [0, 2, 4, 6, 8, 10].map((i) => ['ann@a.test', `m${i}`]),
    );
    const ids = tenant.accepted().map((d) => d.id);
    expect(new Set(ids).size).toBe(6);
    for (const d of [...tenant.deliveries, ...all.deliveries]) expect(d.verifiedWith).toHaveLength(1);
    // The same event was retried until it passed; nothing of b.test ever reached a.test's receiver.
    expect(new Set(tenant.deliveries.slice(0, 5).map((d) => d.id)).size).toBe(1);
    expect(
      tenant.deliveries.every((d) => (d.event?.data as Json | undefined)?.address !== 'bea@b.test'),
    ).toBe(true);

    const attempts = await ok(keyA, 'GET', `/webhooks/${tenantId}/attempts?limit=100`);
    const failed = (attempts.items as Json[]).filter((a) => !a.ok);
    expect(failed.map((a) => [a.attempt, a.status, a.error])).toEqual([
      [4, null, 'timed out'],
      [3, 500, 'HTTP 500'],
      [2, 500, 'HTTP 500'],
      [1, 500, 'HTTP 500'],
    ]);
    const endpoint = await ok(keyA, 'GET', `/webhooks/${tenantId}`);
    expect(endpoint).toMatchObject({
      enabled: true,
      failures: 0,
      domain: 'a.test',
      createdBy: expect.stringMatching(/^api_key:/),
    });
  }, 120_000);

  it('hides one tenant’s endpoints from another and refuses a key an install-wide endpoint', async () => {
    const r = await receiver();
    const globalId = await register(rootKey, r, { domain: null });
    expect(await api(keyA, 'GET', `/webhooks/${globalId}`)).toMatchObject({
      status: 404,
      json: { code: 'WEBHOOK_NOT_FOUND' },
    });
    expect(await api(keyA, 'POST', '/webhooks', { url: r.url, domain: null })).toMatchObject({
      status: 403,
      json: { code: 'FORBIDDEN' },
    });
    expect(await api(keyA, 'POST', '/webhooks', { url: r.url, domain: 'b.test' })).toMatchObject({
      status: 404,
      json: { code: 'DOMAIN_NOT_FOUND' },
    });
    const listed = await ok(keyA, 'GET', '/webhooks');
    expect((listed.items as Json[]).every((e) => e.domain === 'a.test')).toBe(true);
    await ok(rootKey, 'DELETE', `/webhooks/${globalId}`);
  });

  it('rotates the secret with an overlap: both secrets verify each delivery until it ends', async () => {
    const r = await receiver();
    const id = await register(keyA, r, {});
    const first = r.secrets[0] as string;
    const rotated = await ok(keyA, 'POST', `/webhooks/${id}/rotate-secret`, { overlapHours: 1 });
    r.secrets.push(rotated.secret as string);
    const ping = await ok(keyA, 'POST', `/webhooks/${id}/test`);
    expect(ping).toMatchObject({ ok: true, eventType: 'webhook.test' });
    expect(r.deliveries[0]?.verifiedWith).toEqual([first, rotated.secret]);
    const now = await ok(keyA, 'POST', `/webhooks/${id}/rotate-secret`, { overlapHours: 0 });
    r.secrets.splice(0, r.secrets.length, now.secret as string, rotated.secret as string, first);
    await ok(keyA, 'POST', `/webhooks/${id}/test`);
    expect(r.deliveries[1]?.verifiedWith).toEqual([now.secret]);
  });

  it('kill -9 while events flow: after the restart every event reaches the endpoint (at-least-once)', async () => {
    const r = await receiver();
    r.answer = () => 200;
    const id = await register(rootKey, r, { domain: null, eventTypes: ['message.new'] });
    const from = Number((await ok(rootKey, 'GET', `/webhooks/${id}`)).cursor);
    let crashed: Promise<void> | undefined;
    let acked = 0;
    const t = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.smtpPort,
      ignoreTLS: true,
      pool: true,
      maxConnections: 4,
    });
    const session = async (s: number) => {
      for (let i = 0; !crashed; i++) {
        try {
          await t.sendMail({ from: 'x@sender.test', to: 'ann@a.test', subject: `k${s}-${i}`, text: 'x' });
          acked += 1;
          if (acked >= 60) crashed ??= server.crash();
        } catch {
          // in flight when the server died
        }
      }
    };
    await Promise.all([0, 1, 2, 3].map(session));
    await crashed;
    t.close();
    server = await startServer({ dataDir: server.dataDir, databaseUrl: db.databaseUrl, env: SETTINGS });

    const database = await openDatabase({ dataDir: server.dataDir, databaseUrl: db.databaseUrl });
    try {
      const logged = await database.db
        .selectFrom('event_log')
        .select('id')
        .where('type', '=', 'message.new')
        .where('position', '>', from)
        .orderBy('position')
        .execute();
      const wanted = logged.map((e) => e.id);
      // Every acknowledged message is in the log (and perhaps some that were in flight).
      expect(wanted.length).toBeGreaterThanOrEqual(acked);
      await until(() => {
        const got = new Set(r.accepted().map((d) => d.id));
        return wanted.every((id) => got.has(id));
      }, 'every logged event delivered');
    } finally {
      await database.close();
    }
    expect(r.deliveries.every((d) => d.verifiedWith.length === 1)).toBe(true);
  }, 240_000);
});

describe('webhooks with the SSRF guard on (the default)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  }, 60_000);
  afterAll(() => server?.destroy());

  it('refuses loopback, private, link-local and IPv4-mapped targets, by address or by name', async () => {
    const r = await startReceiver();
    try {
      const port = new URL(r.url).port;
      for (const url of [
        r.url,
        `http://localhost:${port}/hook`,
        `http://[::1]:${port}/hook`,
        `http://[::ffff:127.0.0.1]:${port}/hook`,
        'http://10.0.0.8/hook',
        'http://169.254.169.254/latest/meta-data/',
      ]) {
        const res = await fetch(`${server.baseUrl}/api/v1/webhooks`, {
          method: 'POST',
          headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ url }),
        });
        expect({ url, status: res.status, code: ((await res.json()) as Json).code }).toEqual({
          url,
          status: 422,
          code: 'WEBHOOK_TARGET_REFUSED',
        });
      }
      expect(r.deliveries).toHaveLength(0);
    } finally {
      await r.close();
    }
  });
});
