import { JdMail } from '@jdmail/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CasServer, startCasServer } from './harness/cas-server.js';
import { startServer, type TestServer } from './harness/server.js';
import { WebClient } from './harness/web-client.js';

// The APIs the admin console needs, against the real server: the audit log
// (who changed what), the dashboard's numbers, SSO providers' status, the
// directory sources, and API keys managed by a signed-in system admin (the
// session cookie + X-CSRF-Token), their `lastUsedAt` set by use.

interface AuditItem {
  id: string;
  actor: { kind: string; id: string; address: string | null };
  action: string;
  method: string;
  route: string;
  target: Record<string, string>;
  domains: string[];
  outcome: number;
}

/** A signed-in browser: the cookie, and the CSRF token on writes. */
class Session {
  private csrf = '';
  readonly web = new WebClient();
  constructor(private readonly base: string) {}
  async signIn(address: string, password: string): Promise<void> {
    const res = await this.web.postJson(`${this.base}/auth/login`, { address, password });
    if (res.status !== 200) throw new Error(`sign-in of ${address}: ${res.status} ${res.text}`);
    this.csrf = res.json<{ csrfToken: string }>().csrfToken;
  }
  call(method: string, path: string, body?: unknown) {
    const headers: Record<string, string> = method === 'GET' ? {} : { 'x-csrf-token': this.csrf };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return this.web.request(`${this.base}/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }
}

describe('admin console APIs', () => {
  let server: TestServer;
  let cas: CasServer;
  let jd: JdMail;
  let sysop: Session;
  let boss: Session;
  let alice: Session;

  /** The audit log as `s` reads it, once entries of the last requests were written (they are batched). */
  const audit = async (s: Session, query = '') => {
    await new Promise((r) => setTimeout(r, 400));
    const res = await s.call('GET', `/audit?limit=200${query}`);
    return { status: res.status, items: res.status === 200 ? res.json<{ items: AuditItem[] }>().items : [] };
  };

  beforeAll(async () => {
    cas = await startCasServer({ accounts: [] });
    server = await startServer({
      env: {
        JDMAIL_SSO_OIDC: JSON.stringify([
          {
            id: 'gone',
            name: 'Gone IdP',
            issuer: 'http://127.0.0.1:9/realms/x',
            clientId: 'jdmail',
            clientSecret: 's',
          },
        ]),
        JDMAIL_SSO_CAS: JSON.stringify([{ id: 'campus', name: 'Campus CAS', url: cas.url }]),
        // A source whose server is not there: listed, and its run fails.
        JDMAIL_LDAP_SOURCES: JSON.stringify([
          {
            name: 'corp',
            url: 'ldap://127.0.0.1:9',
            bindDn: 'cn=reader,dc=a,dc=test',
            bindPassword: 'ldap-secret-123',
            baseDn: 'dc=a,dc=test',
            domain: 'a.test',
            timeoutMs: 1000,
          },
        ]),
      },
    });
    jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
    await jd.domains.create('a.test');
    await jd.domains.create('b.test');
    await jd.users.create({ address: 'sysop@a.test', password: 'sysop-password', role: 'admin' });
    await jd.users.create({
      address: 'boss@a.test',
      password: 'boss-password',
      role: 'domain_admin',
      adminDomains: ['a.test'],
    });
    await jd.users.create({ address: 'alice@a.test', password: 'alice-password' });
    await jd.users.create({ address: 'carol@b.test', password: 'carol-password', quotaBytes: 5_000_000 });
    await jd.mail.send('alice@a.test', { to: ['alice@a.test'], subject: 'hello', text: 'hi' });
    sysop = new Session(server.baseUrl);
    await sysop.signIn('sysop@a.test', 'sysop-password');
    boss = new Session(server.baseUrl);
    await boss.signIn('boss@a.test', 'boss-password');
    alice = new Session(server.baseUrl);
    await alice.signIn('alice@a.test', 'alice-password');
  });
  afterAll(async () => {
    await server?.destroy();
    await cas?.close();
  });

  it('lets a signed-in system admin make, list, use, rotate and revoke an API key; lastUsedAt follows use', async () => {
    const made = await sysop.call('POST', '/api-keys', {
      name: 'portal',
      scopes: ['users:read'],
      domain: 'a.test',
    });
    expect(made.status).toBe(201);
    const { apiKey, key } = made.json<{ apiKey: { id: string; lastUsedAt: string | null }; key: string }>();
    expect(apiKey.lastUsedAt).toBeNull();

    const before = Date.now() - 1000;
    const used = await fetch(`${server.baseUrl}/api/v1/users/alice@a.test`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(used.status).toBe(200);
    const listed = (await sysop.call('GET', '/api-keys')).json<{
      items: { id: string; lastUsedAt: string }[];
    }>();
    const row = listed.items.find((k) => k.id === apiKey.id);
    expect(Date.parse(row?.lastUsedAt ?? '')).toBeGreaterThanOrEqual(before);
    expect(JSON.stringify(listed)).not.toContain(key);

    const rotated = await sysop.call('POST', `/api-keys/${apiKey.id}/rotate`, { graceSeconds: 0 });
    expect(rotated.status).toBe(201);
    const successor = rotated.json<{ apiKey: { id: string } }>().apiKey.id;
    // Without the CSRF token the cookie may not revoke.
    const forged = await sysop.web.request(`${server.baseUrl}/api/v1/api-keys/${successor}`, {
      method: 'DELETE',
    });
    expect(forged.status).toBe(403);
    expect((await sysop.call('DELETE', `/api-keys/${successor}`)).status).toBe(204);
    expect((await sysop.call('GET', `/api-keys/${successor}`)).status).toBe(404);

    const { items } = await audit(sysop, '&actor=sysop@a.test');
    const actions = items.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['createApiKey', 'rotateApiKey', 'revokeApiKey']));
    const revoke = items.find((e) => e.action === 'revokeApiKey' && e.outcome === 204);
    expect(revoke).toMatchObject({
      actor: { kind: 'user', address: 'sysop@a.test' },
      method: 'DELETE',
      route: '/api/v1/api-keys/:id',
      target: { id: successor },
    });
    // The forged DELETE was refused before it was anyone's: no entry without an authenticated actor.
    expect(items.filter((e) => e.action === 'revokeApiKey')).toHaveLength(1);
    const create = items.find((e) => e.action === 'createApiKey');
    expect(create?.domains).toEqual(['a.test']);
    // Never a key or a secret.
    expect(JSON.stringify(items)).not.toContain(key);
  });

  it('shows a domain admin only their domains’ entries, refuses plain users, checks its query', async () => {
    await jd.users.create({ address: 'dave@b.test' });
    expect((await boss.call('POST', '/users', { address: 'erin@a.test' })).status).toBe(201);
    // Another tenant's user answers 404, and the attempt is recorded for b.test (seen by its admins).
    expect((await boss.call('DELETE', '/users/dave@b.test')).status).toBe(404);

    const all = await audit(sysop);
    // The bootstrap key made dave@b.test: the body's address names the domain.
    const byKey = all.items.find((e) => e.action === 'createUser' && e.domains.includes('b.test'));
    expect(byKey?.actor).toMatchObject({ kind: 'api_key', address: null });
    expect(byKey?.target).toEqual({});
    const probe = all.items.find((e) => e.action === 'deleteUser' && e.actor.address === 'boss@a.test');
    expect(probe).toMatchObject({ outcome: 404, domains: ['b.test'], target: { address: 'dave@b.test' } });

    const mine = await audit(boss);
    expect(mine.status).toBe(200);
    expect(mine.items.length).toBeGreaterThan(0);
    for (const e of mine.items) expect(e.domains).toContain('a.test');
    expect(mine.items.some((e) => e.action === 'createUser' && e.actor.address === 'boss@a.test')).toBe(true);
    expect((await audit(boss, '&domain=b.test')).items).toEqual([]);

    expect((await audit(alice)).status).toBe(403);
    expect((await sysop.call('GET', '/audit?cursor=not-a-cursor')).status).toBe(400);
    expect((await sysop.call('GET', '/audit?since=yesterday')).status).toBe(422);
    expect((await sysop.call('GET', '/audit?limit=0')).status).toBe(422);

    // Paging: newest first, the cursor continues where the page ended.
    const first = (await sysop.call('GET', '/audit?limit=2')).json<{
      items: AuditItem[];
      nextCursor: string;
    }>();
    const next = (await sysop.call('GET', `/audit?limit=2&cursor=${first.nextCursor}`)).json<{
      items: AuditItem[];
    }>();
    const ids = [...first.items, ...next.items].map((e) => e.id);
    expect(ids).toEqual([...ids].sort().reverse());
    expect(new Set(ids).size).toBe(4);
  });

  it('records SCIM changes by an app credential as scim.<verb><Resource>', async () => {
    const { key } = await jd.apiKeys.create({ name: 'idp', scopes: ['scim:write'], domain: 'a.test' });
    const res = await fetch(`${server.baseUrl}/scim/v2/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'frank@a.test',
      }),
    });
    expect(res.status).toBe(201);
    const entry = (await audit(sysop, '&action=scim.createUser')).items[0];
    expect(entry).toMatchObject({ actor: { kind: 'api_key' }, method: 'POST', outcome: 201 });
    expect(entry?.route).toMatch(/^\/scim\/v2\/Users\/?$/);
    expect(entry?.domains).toEqual(['a.test']);
  });

  it('counts the dashboard within what the caller may see', async () => {
    const all = (await sysop.call('GET', '/stats')).json<Record<string, Record<string, unknown>>>();
    const mine = (await boss.call('GET', '/stats')).json<Record<string, Record<string, unknown>>>();
    const users = await jd.users.list({ limit: 200 });
    expect(all.mailboxes?.total).toBe(users.items.length);
    const inA = users.items.filter((u) => u.domain === 'a.test');
    expect(mine.mailboxes).toEqual({ total: inA.length, enabled: inA.filter((u) => u.enabled).length });
    expect(mine.storage?.quotaBytes).toBe(inA.reduce((n, u) => n + u.quotaBytes, 0));
    expect(all.messagesToday?.in).toBeGreaterThanOrEqual(1);
    expect(mine.lastSync).toBeNull();
    expect(all.health?.status).toMatch(/^(ok|degraded)$/);
    expect(((all.health?.components ?? []) as { name: string }[]).map((c) => c.name)).toEqual(
      expect.arrayContaining(['database', 'listeners', 'directorySync']),
    );
    expect((await alice.call('GET', '/stats')).status).toBe(403);
    expect((await sysop.call('GET', '/stats?since=2001-01-01T00:00:00Z')).status).toBe(422);
  });

  it('shows SSO providers’ status to system admins only', async () => {
    const res = await sysop.call('GET', '/sso/providers');
    expect(res.status).toBe(200);
    const items = res.json<{
      items: { id: string; kind: string; reachable: boolean; signInsToday: number }[];
    }>().items;
    expect(items.map((p) => [p.id, p.kind, p.reachable])).toEqual([
      ['gone', 'oidc', false],
      ['campus', 'cas', true],
    ]);
    expect(res.text).not.toContain('"s"');
    expect((await boss.call('GET', '/sso/providers')).status).toBe(403);
    expect((await alice.call('GET', '/sso/providers')).status).toBe(403);
  });

  it('lists directory sources without credentials; a failed run shows there and on the dashboard', async () => {
    const started = await sysop.call('POST', '/directory/sync', { dryRun: false });
    expect(started.status).toBe(202);
    const runId = started.json<{ id: string }>().id;
    const done = await jd.directory.waitForSync(runId, { intervalMs: 200, timeoutMs: 30_000 });
    expect(done.status).toBe('failed');

    const res = await sysop.call('GET', '/directory/sources');
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('ldap-secret-123');
    const [source] = res.json<{
      items: { name: string; url: string; lastRun: { id: string; status: string } }[];
    }>().items;
    expect(source).toMatchObject({
      name: 'corp',
      url: 'ldap://127.0.0.1:9',
      lastRun: { id: runId, status: 'failed' },
    });
    expect((await boss.call('GET', '/directory/sources')).status).toBe(403);

    const stats = (await sysop.call('GET', '/stats')).json<{
      lastSync: { ok: boolean; status: string };
      health: { status: string; components: { name: string; status: string }[] };
    }>();
    expect(stats.lastSync).toMatchObject({ ok: false, status: 'failed' });
    expect(stats.health.status).toBe('degraded');
    expect(stats.health.components.find((c) => c.name === 'directorySync')?.status).toBe('degraded');
  });
});
