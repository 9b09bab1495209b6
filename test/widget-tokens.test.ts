import { JdMail } from '@jdmail/sdk';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Res, send } from './authz/http.js';
import { runCli, startServer, type TestServer } from './harness/server.js';

// Widget tokens over HTTP, as a portal's backend and a browser page meet
// them: minted by an app for one user; the widget's routes answer CORS only
// for the app's allowed origins (preflight included, never `*`); an expired,
// revoked or foreign-origin token is refused; and every route of the
// OpenAPI document that is not the widget's refuses the token.

const PORTAL = 'http://portal.example.test:8443';
const OTHER = 'https://evil.example.test';

let server: TestServer;
let admin: JdMail;
let portal: JdMail;
let clientId: string;
let clientSecret: string;

const widgetGet = (token: string, path: string, origin?: string) =>
  send(
    server.baseUrl,
    { method: 'GET', path },
    { authorization: `Bearer ${token}`, ...(origin ? { origin } : {}) },
  );
const preflight = (path: string, origin: string) =>
  fetch(`${server.baseUrl}${path}`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'authorization',
    },
  });
const code = (r: Res) => (r.json as { code?: string } | undefined)?.code;
const mint = async (user = 'alice@example.com', ttlSeconds?: number) =>
  (await portal.widgetTokens.create(user, ttlSeconds ? { ttlSeconds } : {})).token;

beforeAll(async () => {
  server = await startServer();
  admin = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
  await admin.domains.create('example.com');
  await admin.domains.create('other.org');
  await admin.users.create({
    address: 'alice@example.com',
    password: 'alice-password',
    displayName: 'Alice',
  });
  await admin.users.create({ address: 'bob@example.com', displayName: 'Bob' });
  await admin.users.create({ address: 'olga@other.org' });
  // The CLI, as an operator registers the portal: its origin is the widget's allow-list.
  const out = await runCli(
    [
      'app',
      'create',
      '--name',
      'portal',
      '--scopes',
      'widget:issue,sso:issue',
      '--domain',
      'example.com',
      '--allowed-origins',
      `${PORTAL}/`,
    ],
    { JDMAIL_DATA_DIR: server.dataDir },
  );
  clientId = /^client_id\s+(\S+)$/m.exec(out)?.[1] ?? '';
  clientSecret = /^client_secret\s+(\S+)$/m.exec(out)?.[1] ?? '';
  portal = new JdMail({ baseUrl: server.baseUrl, clientId, clientSecret });
  const smtp = nodemailer.createTransport({
    host: '127.0.0.1',
    port: server.smtpPort,
    secure: false,
    tls: { rejectUnauthorized: false },
  });
  for (const subject of ['First', 'Second', 'Third'])
    await smtp.sendMail({
      from: 'Carol <carol@partner.test>',
      to: 'alice@example.com',
      subject,
      text: subject,
    });
  smtp.close();
}, 120_000);

afterAll(() => server?.destroy());

describe('widget tokens', () => {
  it('are minted by an app with allowed origins for a user of its domain, and by nobody else', async () => {
    const made = await portal.widgetTokens.create('alice@example.com');
    expect(made.allowedOrigins).toEqual([PORTAL]);
    expect(made.expiresIn).toBe(900);
    expect(Date.parse(made.expiresAt) - Date.now()).toBeGreaterThan(890_000);
    expect((await portal.widgetTokens.create('alice@example.com', { ttlSeconds: 60 })).expiresIn).toBe(60);
    // Asking for more than the setting gets the setting.
    expect((await portal.widgetTokens.create('alice@example.com', { ttlSeconds: 86_400 })).expiresIn).toBe(
      900,
    );

    const olga = await send(
      server.baseUrl,
      { method: 'POST', path: '/api/v1/users/olga@other.org/widget-tokens', body: {} },
      { authorization: `Bearer ${await appToken()}` },
    );
    expect([olga.status, code(olga)]).toEqual([404, 'USER_NOT_FOUND']);
    // An API key holding the scope is not an app: it has no origins to bind the token to.
    const keyTry = await send(
      server.baseUrl,
      { method: 'POST', path: '/api/v1/users/alice@example.com/widget-tokens', body: {} },
      { authorization: `Bearer ${server.adminKey}` },
    );
    expect([keyTry.status, code(keyTry)]).toEqual([403, 'FORBIDDEN']);
    // An app without origins is told to set them.
    const bare = await admin.apps.create({ name: 'bare', scopes: ['widget:issue'], domain: 'example.com' });
    const bareJd = new JdMail({
      baseUrl: server.baseUrl,
      clientId: bare.app.clientId,
      clientSecret: bare.clientSecret,
    });
    await expect(bareJd.widgetTokens.create('alice@example.com')).rejects.toMatchObject({
      status: 409,
      code: 'NO_ALLOWED_ORIGINS',
    });
    // Origins are checked where they are set: no wildcard, no path, no `null`.
    for (const bad of [
      '*',
      'https://*.example.com',
      'https://portal.example.com/home',
      'null',
      'ftp://x.test',
    ])
      await expect(
        admin.apps.update(bare.app.clientId, { allowedOrigins: [bad] }),
        bad,
      ).rejects.toMatchObject({ status: 422 });
    const set = await admin.apps.update(bare.app.clientId, {
      allowedOrigins: ['HTTPS://Portal.Example.com:443'],
    });
    expect(set.allowedOrigins).toEqual(['https://portal.example.com']);
  });

  it('read the inbox summary from an allowed origin, with CORS for that origin only', async () => {
    const token = await mint();
    const res = await widgetGet(token, '/api/v1/widget/inbox?limit=2', PORTAL);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(res.headers.get('vary')).toMatch(/origin/i);
    const inbox = res.json as {
      address: string;
      unread: number;
      messages: { subject: string; from: unknown }[];
    };
    expect(inbox.address).toBe('alice@example.com');
    expect(inbox.unread).toBe(3);
    expect(inbox.messages.map((m) => m.subject)).toEqual(['Third', 'Second']);
    expect(inbox.messages[0]?.from).toEqual({ name: 'Carol', address: 'carol@partner.test' });
    // Nothing but the summary: no preview, no body, no recipients.
    expect(Object.keys(inbox.messages[0] ?? {}).sort()).toEqual(['date', 'from', 'id', 'subject', 'unread']);

    const ok = await preflight('/api/v1/widget/inbox', PORTAL);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(ok.headers.get('access-control-allow-headers')).toContain('authorization');
    expect((await preflight('/api/v1/events/stream', PORTAL)).status).toBe(204);
  });

  it('are refused from another origin (403, no CORS headers), preflight included', async () => {
    const token = await mint();
    const res = await widgetGet(token, '/api/v1/widget/inbox', OTHER);
    expect([res.status, code(res)]).toEqual([403, 'ORIGIN_NOT_ALLOWED']);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await preflight('/api/v1/widget/inbox', OTHER);
    expect(pre.status).toBe(403);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    // Nowhere a wildcard, not even on the refusal of a bad token from an allowed page.
    const bad = await widgetGet(
      'eyJhbGciOiJFZERTQSIsInR5cCI6Impk.eyJ4IjoxfQ.c2ln',
      '/api/v1/widget/inbox',
      PORTAL,
    );
    expect(bad.status).toBe(401);
    expect(bad.headers.get('access-control-allow-origin')).toBe(PORTAL);
  });

  it('expire, and stop when their app is disabled or their user is', async () => {
    const short = await mint('alice@example.com', 5);
    expect((await widgetGet(short, '/api/v1/widget/inbox', PORTAL)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 6_500));
    const expired = await widgetGet(short, '/api/v1/widget/inbox', PORTAL);
    expect([expired.status, code(expired)]).toEqual([401, 'UNAUTHENTICATED']);
    expect(expired.headers.get('www-authenticate')).toMatch(/error="invalid_token".*expired/);
    // Readable by the page, which then renews.
    expect(expired.headers.get('access-control-allow-origin')).toBe(PORTAL);

    const bobs = await mint('bob@example.com');
    await admin.users.update('bob@example.com', { enabled: false });
    expect((await widgetGet(bobs, '/api/v1/widget/inbox', PORTAL)).status).toBe(401);
    await admin.users.update('bob@example.com', { enabled: true });

    const alices = await mint();
    await admin.apps.update(clientId, { enabled: false });
    expect((await widgetGet(alices, '/api/v1/widget/inbox', PORTAL)).status).toBe(401);
    await admin.apps.update(clientId, { enabled: true });
    expect((await widgetGet(alices, '/api/v1/widget/inbox', PORTAL)).status).toBe(200);
  });

  it('open a message of their user in webmail through a single-use login link', async () => {
    const token = await mint();
    const inbox = (await widgetGet(token, '/api/v1/widget/inbox?limit=1', PORTAL)).json as {
      messages: { id: string }[];
    };
    const id = inbox.messages[0]?.id ?? '';
    const open = (messageId: string) =>
      send(
        server.baseUrl,
        { method: 'POST', path: '/api/v1/widget/open', body: { messageId } },
        { authorization: `Bearer ${token}`, origin: PORTAL },
      );
    const opened = await open(id);
    expect(opened.status).toBe(201);
    const { url } = opened.json as { url: string };
    const landed = await fetch(url, { redirect: 'manual' });
    expect(landed.headers.get('location')).toBe(`/m/${id}`);
    expect(landed.headers.get('set-cookie')).toMatch(/jdmail_session=/);
    expect((await fetch(url, { redirect: 'manual' })).headers.get('location')).toContain(
      'error=link_invalid',
    );
    // Another user's message is no message of this one.
    const olgaMail = await admin.mail.send('olga@other.org', {
      to: ['olga@other.org'],
      subject: 'x',
      text: 'x',
    });
    const foreign = await open(olgaMail.id);
    expect([foreign.status, code(foreign)]).toEqual([404, 'MESSAGE_NOT_FOUND']);
  });

  it('are refused by every route of the API that is not the widget’s', async () => {
    const token = await mint();
    const doc = (await send(server.baseUrl, { method: 'GET', path: '/api/v1/openapi.json' })).json as {
      paths: Record<string, Record<string, { operationId: string; security?: Record<string, string[]>[] }>>;
    };
    const refused: string[] = [];
    const allowed: string[] = [];
    for (const [template, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const takesWidget = op.security?.some((s) => 'widgetToken' in s) ?? false;
        // Routes that take no API credentials (health, the token endpoint, the webmail's cookie routes) ignore it.
        const takesCredentials = op.security?.some((s) => 'bearerAuth' in s || 'widgetToken' in s) ?? false;
        if (!takesCredentials) continue;
        if (takesWidget) {
          allowed.push(op.operationId);
          continue;
        }
        const path = template.replace(/\{[^}]+\}/g, (p) => (p === '{address}' ? 'alice@example.com' : 'x'));
        const res = await send(
          server.baseUrl,
          { method: method.toUpperCase() as 'GET', path, ...(method === 'get' ? {} : { body: {} }) },
          { authorization: `Bearer ${token}`, origin: PORTAL },
        );
        if (res.status !== 403 || code(res) !== 'INSUFFICIENT_SCOPE')
          refused.push(`${op.operationId}: ${res.status}`);
        if (res.headers.get('access-control-allow-origin')) refused.push(`${op.operationId}: CORS headers`);
      }
    }
    expect(refused).toEqual([]);
    expect(allowed.sort()).toEqual(['getWidgetInbox', 'openWidgetMessage', 'streamEvents']);
    // Nor is it an app token, or a key.
    const asAppToken = await send(
      server.baseUrl,
      { method: 'GET', path: '/api/v1/users/alice@example.com/unread-count' },
      { authorization: `Bearer ${token}` },
    );
    expect(asAppToken.status).toBe(403);
    // Tokens never reach the log.
    expect(server.output.join('\n')).not.toContain(token.split('.')[2]);
  });
});

/** A bare access token of the portal app (the SDK hides its own). */
async function appToken(): Promise<string> {
  const res = await send(server.baseUrl, {
    method: 'POST',
    path: '/api/v1/oauth/token',
    form: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
  });
  return (res.json as { access_token: string }).access_token;
}
