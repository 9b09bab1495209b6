import { afterEach, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../../test/harness/databases.js';
import { type Database, openDatabase } from '../../store/index.js';
import { createMemoryLog } from './testing/memory-log.js';
import { type Receiver, startReceiver } from './testing/receiver.js';
import { addDomains, buildService } from './testing/setup.js';
import type { WebhookService } from './types.js';

const databases = useDatabases();
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const ALL = { domains: 'all' } as const;

async function open(engine: 'sqlite' | 'postgres'): Promise<Database> {
  const t = await databases.fresh(engine);
  const d = await openDatabase({ dataDir: t.dataDir, databaseUrl: t.databaseUrl });
  cleanup.push(() => d.close());
  await addDomains(d, ['a.test', 'b.test']);
  return d;
}

async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  cleanup.push(() => r.close());
  return r;
}

function started(s: WebhookService): WebhookService {
  s.start();
  cleanup.push(() => s.stop());
  return s;
}

/** Waits (generously: the machine is shared) until `check` holds. */
async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const ids = (r: Receiver) => r.accepted().map((d) => d.id);

describe.each(databases.engines)('webhook delivery on %s', (engine) => {
  it('delivers every matching event in order, signed per Standard Webhooks, and only its tenant’s', async () => {
    const database = await open(engine);
    const { service, events } = buildService(database);
    started(service);
    const all = await receiver();
    const tenant = await receiver();
    const a = await service.create({ url: all.url, domain: null, createdBy: 'api_key:root' });
    all.secrets.push(a.secret);
    const t = await service.create({
      url: tenant.url,
      domain: 'a.test',
      eventTypes: ['message.new', 'user.*'],
      createdBy: 'api_key:a',
    });
    tenant.secrets.push(t.secret);
    expect(a.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);

    const made = events.append([
      { type: 'message.new', domain: 'a.test', address: 'bob@a.test' },
      { type: 'message.new', domain: 'b.test', address: 'carol@b.test' },
      { type: 'user.created', domain: 'a.test', address: 'dan@a.test' },
      { type: 'message.updated', domain: 'a.test', address: 'bob@a.test' },
      { type: 'user.disabled', domain: 'b.test', address: 'eve@b.test' },
      { type: 'user.deleted', domain: 'a.test', address: 'dan@a.test' },
    ]);
    await until(() => all.accepted().length === 6 && tenant.accepted().length === 3, 'the deliveries');

    expect(ids(all)).toEqual(made.map((e) => e.id));
    const wanted = made.filter((e) => e.domain === 'a.test' && e.type !== 'message.updated');
    expect(ids(tenant)).toEqual(wanted.map((e) => e.id));
    for (const d of [...all.deliveries, ...tenant.deliveries]) {
      expect(d.verifiedWith).toHaveLength(1);
      expect(d.headers['content-type']).toMatch(/^application\/cloudevents\+json/);
      expect(d.event).toMatchObject({ specversion: '1.0', id: d.id });
      expect(Math.abs(Number(d.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    }
    // Caught up: the cursor is the last position, for both (the tenant's passed over the rest).
    await until(async () => (await service.get(t.endpoint.id, ALL)).cursor === 6, 'the tenant cursor');
    expect((await service.get(a.endpoint.id, ALL)).cursor).toBe(6);
  });

  it('gets every event once, in order, from a receiver that fails (500s, a timeout) and recovers', async () => {
    const database = await open(engine);
    const { service, events } = buildService(database);
    started(service);
    const r = await receiver();
    // Fails the 2nd, 3rd and 4th requests with 500, hangs on the 5th (timeout), then accepts.
    r.answer = (_d, n) => (n >= 2 && n <= 4 ? 500 : n === 5 ? 'hang' : 200);
    const { endpoint, secret } = await service.create({
      url: r.url,
      domain: null,
      createdBy: 'api_key:root',
    });
    r.secrets.push(secret);
    const made = events.append(
      Array.from({ length: 20 }, (_, i) => ({ type: 'message.new', domain: 'a.test', data: { i } })),
    );
    await until(() => r.accepted().length === 20, 'all 20 accepted');
    expect(ids(r)).toEqual(made.map((e) => e.id));
    expect(new Set(ids(r)).size).toBe(20);
    // Every failure was followed by the same event again, never by the next one.
    expect(r.deliveries.slice(1, 6).map((d) => d.id)).toEqual(Array(5).fill(made[1]?.id));
    const page = await service.attempts(endpoint.id, { limit: 200 }, ALL);
    const failed = page.items.filter((x) => !x.ok);
    expect(failed.map((x) => x.status)).toEqual([null, 500, 500, 500]);
    expect(failed[0]?.error).toBe('timed out');
    expect(page.items[0]?.ok).toBe(true);
    const endpointNow = await service.get(endpoint.id, ALL);
    expect(endpointNow).toMatchObject({ enabled: true, failures: 0, cursor: 20 });
  }, 60_000);

  it('signs with both secrets during a rotation’s overlap, with the new one alone after it', async () => {
    const database = await open(engine);
    const { service, events } = buildService(database);
    started(service);
    const r = await receiver();
    const { endpoint, secret: first } = await service.create({
      url: r.url,
      domain: null,
      createdBy: 'user:admin',
    });
    const rotated = await service.rotateSecret(endpoint.id, 1, ALL);
    expect(rotated.secret).not.toBe(first);
    expect(rotated.endpoint.previousSecretExpiresAt).toBeGreaterThan(Date.now());
    r.secrets.push(first, rotated.secret);
    events.append([{ type: 'message.new', domain: 'a.test' }]);
    await until(() => r.accepted().length === 1, 'the first delivery');
    expect(r.deliveries[0]?.verifiedWith).toEqual([first, rotated.secret]);
    expect(String(r.deliveries[0]?.headers['webhook-signature']).split(' ')).toHaveLength(2);

    const again = await service.rotateSecret(endpoint.id, 0, ALL);
    r.secrets.push(again.secret);
    events.append([{ type: 'message.new', domain: 'a.test' }]);
    await until(() => r.accepted().length === 2, 'the second delivery');
    expect(r.deliveries[1]?.verifiedWith).toEqual([again.secret]);
  });

  it('disables an endpoint after the threshold of failures, shows the attempts, and resumes when enabled', async () => {
    const database = await open(engine);
    const { service, events } = buildService(database, { config: { disableAfterFailures: 3 } });
    started(service);
    const r = await receiver();
    r.answer = () => 503;
    const { endpoint, secret } = await service.create({
      url: r.url,
      domain: 'a.test',
      createdBy: 'api_key:a',
    });
    r.secrets.push(secret);
    const made = events.append([
      { type: 'message.new', domain: 'a.test' },
      { type: 'message.new', domain: 'a.test' },
    ]);
    await until(async () => !(await service.get(endpoint.id, ALL)).enabled, 'the endpoint disabled');
    const off = await service.get(endpoint.id, { domains: ['a.test'] });
    expect(off.disabledReason).toMatch(
      /^3 failed attempts in a row \(webhooks\.disableAfterFailures\); last: HTTP 503/,
    );
    const page = await service.attempts(endpoint.id, { limit: 10 }, { domains: ['a.test'] });
    expect(page.items.map((x) => [x.attempt, x.status, x.eventId])).toEqual([
      [3, 503, made[0]?.id],
      [2, 503, made[0]?.id],
      [1, 503, made[0]?.id],
    ]);
    expect(page.items[0]?.response).toBe('no thanks');
    // Another tenant's admin sees no such endpoint.
    await expect(service.attempts(endpoint.id, { limit: 10 }, { domains: ['b.test'] })).rejects.toMatchObject(
      {
        code: 'WEBHOOK_NOT_FOUND',
      },
    );
    await new Promise((res) => setTimeout(res, 300));
    expect(r.deliveries).toHaveLength(3);

    r.answer = () => 200;
    const on = await service.enable(endpoint.id, ALL);
    expect(on).toMatchObject({ enabled: true, disabledReason: null, failures: 0 });
    await until(() => r.accepted().length === 2, 'delivery after enabling');
    expect(ids(r)).toEqual(made.map((e) => e.id));
  });

  it('moves a failing endpoint to a new URL: the waiting event goes there at once, filters apply', async () => {
    const database = await open(engine);
    const { service, events } = buildService(database, {
      config: { retryBaseSeconds: 30, retryMaxSeconds: 60 },
    });
    started(service);
    const down = await receiver();
    const up = await receiver();
    down.answer = () => 503;
    const { endpoint, secret } = await service.create({
      url: down.url,
      domain: null,
      createdBy: 'user:admin',
    });
    up.secrets.push(secret);
    down.secrets.push(secret);
    const made = events.append([
      { type: 'message.new', domain: 'a.test' },
      { type: 'user.created', domain: 'a.test' },
      { type: 'message.new', domain: 'b.test' },
    ]);
    await until(async () => (await service.get(endpoint.id, ALL)).failures === 1, 'the first failure');
    // The next attempt is ~15-30 s away; a new URL is tried at once.
    await service.update(endpoint.id, { url: up.url, eventTypes: ['message.*'] }, ALL, 'user:admin');
    await until(() => up.accepted().length === 2, 'delivery to the new URL', 10_000);
    expect(ids(up)).toEqual([made[0]?.id, made[2]?.id]);
    expect(down.deliveries).toHaveLength(1);
  });

  it('a test ping reaches the endpoint signed and leaves the cursor alone', async () => {
    const database = await open(engine);
    const { service } = buildService(database);
    const r = await receiver();
    const { endpoint, secret } = await service.create({
      url: r.url,
      domain: null,
      createdBy: 'api_key:root',
    });
    r.secrets.push(secret);
    const attempt = await service.test(endpoint.id, ALL);
    expect(attempt).toMatchObject({ ok: true, status: 204, eventType: 'webhook.test', position: 0 });
    expect(r.deliveries[0]?.event).toMatchObject({ type: 'webhook.test', id: attempt.eventId });
    expect((await service.get(endpoint.id, ALL)).cursor).toBe(0);
    const listed = await service.attempts(endpoint.id, { limit: 10 }, ALL);
    expect(listed.items).toEqual([attempt]);
    await service.stop();
  });
});

describe('webhook delivery on postgres with two nodes', () => {
  it('one node at a time works an endpoint: every event once, in order', async () => {
    const t = await databases.fresh('postgres');
    const pools = [0, 1].map(() => openDatabase({ dataDir: t.dataDir, databaseUrl: t.databaseUrl }));
    const [one, two] = await Promise.all(pools);
    if (!one || !two) throw new Error('no database');
    cleanup.push(
      () => one.close(),
      () => two.close(),
    );
    await addDomains(one, ['a.test']);
    const log = createMemoryLog();
    const [node] = [one, two].map((database, i) =>
      started(buildService(database, { memory: log, owner: `node-${i}` }).service),
    );
    const r = await receiver();
    if (!node) throw new Error('no node');
    const { secret } = await node.create({ url: r.url, domain: null, createdBy: 'api_key:root' });
    r.secrets.push(secret);
    const made: string[] = [];
    for (let i = 0; i < 10; i++) {
      made.push(
        ...log
          .append(Array.from({ length: 20 }, () => ({ type: 'message.new', domain: 'a.test' })))
          .map((e) => e.id),
      );
      await new Promise((res) => setTimeout(res, 10));
    }
    await until(() => r.accepted().length >= 200, 'all 200');
    await new Promise((res) => setTimeout(res, 300));
    expect(ids(r)).toEqual(made);
  });
});
