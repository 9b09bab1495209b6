import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useDatabases } from '../../../../test/harness/databases.js';
import { openStore, type StoreFixture } from '../../../../test/harness/mail-store.js';
import { createProviderStatus } from './provider-status.js';

const databases = useDatabases();
const NOW = Date.UTC(2026, 11, 6, 12);

describe.each(databases.engines)('SSO provider status on %s', (engine) => {
  let f: StoreFixture;
  beforeEach(async () => {
    f = await openStore(await databases.fresh(engine));
  });
  afterEach(() => f.close());

  const oidc = {
    id: 'corp',
    name: 'Corp',
    issuer: 'https://idp.example.com/realms/corp/',
    clientId: 'jdmail',
    clientSecret: 'top-secret',
    clientSecretFile: '',
    tokenAuthMethod: 'client_secret_basic' as const,
    scopes: ['openid'],
    claim: 'email',
    domain: '',
    jit: { domain: '', group: '' },
    postLogoutRedirect: '',
  };
  const cas = {
    id: 'campus',
    name: 'Campus',
    url: 'https://cas.example.edu/cas',
    renew: false,
    gateway: false,
    format: 'XML' as const,
    userAttribute: '',
    domain: '',
    timeoutMs: 5000,
    logoutFrom: [],
  };

  it('counts today’s sign-ins and failures per provider, checks reachability and reuses the check for a minute', async () => {
    const row = (n: number, actor: string, at: number, result: string, event = 'oidc.login') => ({
      id: `a${n}`,
      at,
      event,
      actor,
      subject: 'x@example.com',
      ip: '127.0.0.1',
      result,
      detail: '',
    });
    await f.database.db
      .insertInto('sso_audit')
      .values([
        row(1, 'provider:corp', NOW - 86_400_000, 'ok'),
        row(2, 'provider:corp', NOW - 3_600_000, 'ok'),
        row(3, 'provider:corp', NOW - 60_000, 'refused'),
        row(4, 'provider:campus', NOW - 60_000, 'refused', 'cas.login'),
        row(5, 'api_key:k', NOW - 1000, 'ok', 'login_link.issue'),
      ])
      .execute();
    const asked: string[] = [];
    let now = NOW;
    const status = createProviderStatus({
      db: f.database.db,
      oidc: [oidc],
      cas: [cas],
      now: () => now,
      fetch: (async (url: string) => {
        asked.push(url);
        if (url.includes('openid-configuration')) return Response.json({ issuer: oidc.issuer });
        return new Response('oops', { status: 502 });
      }) as typeof fetch,
    });
    const [corp, campus] = await status.list();
    expect(corp).toMatchObject({
      id: 'corp',
      kind: 'oidc',
      reachable: true,
      lastSignInAt: NOW - 3_600_000,
      signInsToday: 1,
      failuresToday: 1,
    });
    expect(campus).toMatchObject({
      id: 'campus',
      kind: 'cas',
      reachable: false,
      reachableDetail: 'HTTP 502',
    });
    expect(campus).toMatchObject({ lastSignInAt: null, signInsToday: 0, failuresToday: 1 });
    expect(asked).toEqual([
      'https://idp.example.com/realms/corp/.well-known/openid-configuration',
      'https://cas.example.edu/cas/login',
    ]);
    expect(JSON.stringify(corp)).not.toContain('top-secret');
    now += 30_000;
    await status.list();
    expect(asked).toHaveLength(2);
    now += 60_000;
    await status.list();
    expect(asked).toHaveLength(4);
  });
});
