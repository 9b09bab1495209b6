import { runCli, type TestServer } from '../harness/server.js';
import { type Req, type Res, send } from './http.js';
import { DOMAIN, type Dom } from './model.js';
import { buildPrincipals, type Principal, type WebSession } from './principals.js';

export type { Principal, WebSession } from './principals.js';
export { sessionHeaders } from './principals.js';

/** The seeded install, once per engine, and makers of fresh objects for requests that destroy theirs. */
export interface World {
  base: string;
  /** As the bootstrap admin key: seeds objects and looks at what a request changed. */
  root(req: Req): Promise<Res>;
  principals: Principal[];
  /** Plain users: bob in a.test, carol in b.test; `shared@a.test` is an alias of carol's, made by a system admin. */
  user: Record<Dom, string>;
  shared: string;
  /** Groups with an address (`team@…`); a.test's has bob and (added by a system admin) carol. */
  group: Record<Dom, string>;
  /** A message with an attachment in each seeded user's INBOX. */
  message: Record<string, { id: string; attachmentId: string }>;
  /** Apps restricted to each domain, and one without a restriction (only its client id). */
  app: Record<Dom | 'global', string>;
  /** API keys (ids) restricted to each domain, and one without a restriction. */
  apiKey: Record<Dom | 'global', string>;
  /** The app (restricted to a.test, every scope) whose token is a principal. */
  appClient: { clientId: string; clientSecret: string };
  /** A number no other request uses, for unique names. */
  n(): number;
  /** The server's MX port (mail that passes the filter, e.g. to seed the quarantine). */
  smtpPort: number;
  fresh: {
    user(d: Dom): Promise<string>;
    group(d: Dom, members?: string[]): Promise<string>;
    app(d: Dom | null): Promise<string>;
    /** An API key restricted to `d` (or to none): its id and the key. */
    apiKey(d: Dom | null): Promise<{ id: string; key: string }>;
    /** A message of `address` (its Sent copy), returned by id. */
    message(address: string): Promise<string>;
    session(address: string): Promise<WebSession>;
  };
}

/** The password of the seeded users who sign in with one. */
export const PASSWORD = 'matrix-password-1';

/** Throws unless the answer is a success; returns its JSON. */
async function ok<T = Record<string, unknown>>(res: Promise<Res>, what: string): Promise<T> {
  const r = await res;
  if (r.status >= 300) throw new Error(`seeding ${what}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json as T;
}

/** Signs `address` in through a one-click login link, as a portal would: the cookie and CSRF token. */
async function signIn(base: string, root: World['root'], address: string): Promise<WebSession> {
  const link = await ok<{ url: string }>(
    root({ method: 'POST', path: '/api/v1/sso/login-links', body: { user: address } }),
    `login link for ${address}`,
  );
  const opened = await fetch(link.url, { redirect: 'manual' });
  const set = opened.headers.getSetCookie().find((c) => c.startsWith('jdmail_session='));
  if (!set) throw new Error(`no session cookie for ${address}`);
  const cookie = set.split(';')[0] as string;
  const session = await ok<{ csrfToken: string }>(
    send(base, { method: 'GET', path: '/auth/session' }, { cookie }),
    'session',
  );
  return { cookie, csrf: session.csrfToken };
}

async function seedObjects(root: World['root']) {
  for (const name of Object.values(DOMAIN))
    await ok(root({ method: 'POST', path: '/api/v1/domains', body: { name } }), name);
  const users: [string, object][] = [
    // A local password, so that the own password change (changeOwnPassword) reaches its password check.
    ['sysop@a.test', { role: 'admin', password: PASSWORD }],
    ['boss@a.test', { role: 'domain_admin', adminDomains: ['a.test'], password: PASSWORD }],
    ['alice@a.test', { password: PASSWORD }],
    ['bob@a.test', {}],
    ['carol@b.test', { aliases: ['shared@a.test'] }],
    ['bboss@b.test', { role: 'domain_admin', adminDomains: ['b.test'], password: PASSWORD }],
  ];
  for (const [address, rest] of users) {
    await ok(root({ method: 'POST', path: '/api/v1/users', body: { address, ...rest } }), address);
  }
  const group: Record<Dom, string> = { a: '', b: '' };
  for (const [d, members] of [
    ['a', ['bob@a.test', 'carol@b.test']],
    ['b', ['carol@b.test']],
  ] as const) {
    const body = { domain: DOMAIN[d], name: 'Team', kind: 'group', address: `team@${DOMAIN[d]}` };
    group[d] = (await ok<{ id: string }>(root({ method: 'POST', path: '/api/v1/groups', body }), 'group')).id;
    await ok(
      root({ method: 'POST', path: `/api/v1/groups/${group[d]}/members`, body: { addresses: members } }),
      'members',
    );
  }
  const message: World['message'] = {};
  for (const address of ['sysop@a.test', 'boss@a.test', 'alice@a.test', 'bob@a.test', 'carol@b.test']) {
    const attachments = [{ filename: 'a.txt', content: 'YWJj' }];
    const body = { to: [address], subject: 'seed', text: 'seed', attachments };
    await ok(root({ method: 'POST', path: `/api/v1/users/${address}/send`, body }), 'seed mail');
    const list = await ok<{ items: { id: string }[] }>(
      root({ method: 'GET', path: `/api/v1/users/${address}/messages?mailbox=INBOX` }),
      'messages',
    );
    const id = list.items[0]?.id as string;
    const detail = await ok<{ attachments: { id: string }[] }>(
      root({ method: 'GET', path: `/api/v1/users/${address}/messages/${id}` }),
      'message',
    );
    message[address] = { id, attachmentId: detail.attachments[0]?.id as string };
  }
  return { group, message };
}

async function createApiKey(root: World['root'], name: string, d: Dom | null) {
  const body = { name, scopes: ['mail:read'], ...(d ? { domain: DOMAIN[d] } : {}) };
  const made = await ok<{ apiKey: { id: string }; key: string }>(
    root({ method: 'POST', path: '/api/v1/api-keys', body }),
    `api key ${name}`,
  );
  return { id: made.apiKey.id, key: made.key };
}

async function createApp(root: World['root'], name: string, scopes: string[], d: Dom | null) {
  const body = { name, scopes, ...(d ? { domain: DOMAIN[d] } : {}) };
  return ok<{ app: { clientId: string }; clientSecret: string }>(
    root({ method: 'POST', path: '/api/v1/apps', body }),
    `app ${name}`,
  );
}

/**
 * Seeds `server` (fresh, with its bootstrap key) and builds the principals of
 * the matrix. `basic` false: the domain admin and the plain user sign in with
 * the session cookie only, not HTTP Basic (see principals.ts).
 */
export async function seedWorld(server: TestServer, databaseUrl: string, basic: boolean): Promise<World> {
  const base = server.baseUrl;
  const rootKey = server.adminKey ?? '';
  const root: World['root'] = (req) => send(base, req, { authorization: `Bearer ${rootKey}` });
  const { group, message } = await seedObjects(root);
  let counter = 0;
  const n = () => ++counter;

  const apps = {
    a: (await createApp(root, 'target a', ['mail:read'], 'a')).app.clientId,
    b: (await createApp(root, 'target b', ['mail:read'], 'b')).app.clientId,
    global: (await createApp(root, 'target global', ['mail:read'], null)).app.clientId,
  };
  const apiKeys = {
    a: (await createApiKey(root, 'target a', 'a')).id,
    b: (await createApiKey(root, 'target b', 'b')).id,
    global: (await createApiKey(root, 'target global', null)).id,
  };
  const principalApp = await createApp(root, 'principal', ['*'], 'a');
  // Its widget tokens need an origin to be bound to (the matrix sends no Origin: not a browser).
  await ok(
    root({
      method: 'PATCH',
      path: `/api/v1/apps/${principalApp.app.clientId}`,
      body: { allowedOrigins: ['https://portal.a.test'] },
    }),
    'allowed origins',
  );
  const appClient = { clientId: principalApp.app.clientId, clientSecret: principalApp.clientSecret };
  const token = await ok<{ access_token: string }>(
    send(base, {
      method: 'POST',
      path: '/api/v1/oauth/token',
      form: {
        grant_type: 'client_credentials',
        client_id: appClient.clientId,
        client_secret: appClient.clientSecret,
      },
    }),
    'app token',
  );
  const env = {
    JDMAIL_DATA_DIR: server.dataDir,
    ...(databaseUrl ? { JDMAIL_DATABASE_URL: databaseUrl } : {}),
  };
  // The CLI of finding F1: `apikey create --scopes '*' --domain a.test`.
  const keyA = (
    await runCli(['apikey', 'create', '--name', 'tenant-a', '--scopes', '*', '--domain', 'a.test'], env)
  ).trim();
  const narrowKey = (
    await runCli(['apikey', 'create', '--name', 'portal', '--scopes', 'sso:issue'], env)
  ).trim();
  const widget = await ok<{ token: string }>(
    send(
      base,
      { method: 'POST', path: '/api/v1/users/alice@a.test/widget-tokens', body: {} },
      { authorization: `Bearer ${token.access_token}` },
    ),
    'widget token',
  );
  const sysop = await signIn(base, root, 'sysop@a.test');
  const alice = await signIn(base, root, 'alice@a.test');

  const boss = basic ? undefined : await signIn(base, root, 'boss@a.test');
  const credentials = {
    rootKey,
    keyA,
    narrowKey,
    appToken: token.access_token,
    widgetToken: widget.token,
    sysop,
    alice,
    boss,
  };
  const principals = buildPrincipals(credentials, PASSWORD);

  const fresh: World['fresh'] = {
    async user(d) {
      const address = `u${n()}@${DOMAIN[d]}`;
      await ok(root({ method: 'POST', path: '/api/v1/users', body: { address } }), address);
      return address;
    },
    async group(d, members = []) {
      const body = { domain: DOMAIN[d], name: `g${n()}`, kind: 'group' };
      const { id } = await ok<{ id: string }>(
        root({ method: 'POST', path: '/api/v1/groups', body }),
        'group',
      );
      if (members.length > 0) {
        await ok(
          root({ method: 'POST', path: `/api/v1/groups/${id}/members`, body: { addresses: members } }),
          'members',
        );
      }
      return id;
    },
    async app(d) {
      return (await createApp(root, `app ${n()}`, ['mail:read'], d)).app.clientId;
    },
    apiKey: (d) => createApiKey(root, `key ${n()}`, d),
    async message(address) {
      const body = { to: [address], subject: `m${n()}`, text: 'x' };
      return (
        await ok<{ id: string }>(
          root({ method: 'POST', path: `/api/v1/users/${address}/send`, body }),
          'mail',
        )
      ).id;
    },
    session: (address) => signIn(base, root, address),
  };
  return {
    base,
    root,
    principals,
    user: { a: 'bob@a.test', b: 'carol@b.test' },
    shared: 'shared@a.test',
    group,
    message,
    app: apps,
    apiKey: apiKeys,
    appClient,
    n,
    smtpPort: server.smtpPort,
    fresh,
  };
}
