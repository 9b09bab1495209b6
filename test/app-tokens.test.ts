import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BadRequestError, JdMail, NotFoundError } from '@jdmail/sdk';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, useDatabases } from './harness/databases.js';
import { runCli, startServer, type TestServer } from './harness/server.js';

// App tokens end to end, on both metadata engines: an app registered with
// the CLI gets tokens by the OAuth 2.0 client credentials grant (curl and
// the SDK), reads mail that arrived over SMTP, stays inside its domain, and
// its tokens verify with the published JWKS — as a third-party resource
// server would check them — also across a key rotation.

const databases = useDatabases();
const run = promisify(execFile);

interface Client {
  clientId: string;
  clientSecret: string;
}

describe.each(databases.engines)('app tokens on %s', (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let admin: JdMail;
  let cliEnv: Record<string, string>;
  let exampleApp: Client;

  const readCredentials = (out: string): Client => ({
    clientId: /^client_id\s+(jdc_\S+)$/m.exec(out)?.[1] ?? '',
    clientSecret: /^client_secret\s+(jds_\S+)$/m.exec(out)?.[1] ?? '',
  });
  /** The README's curl command for a token. */
  const curlToken = async (c: Client, ...extra: string[]) => {
    const { stdout } = await run('curl', [
      '-sS',
      '-u',
      `${c.clientId}:${c.clientSecret}`,
      '-d',
      'grant_type=client_credentials',
      ...extra,
      `${server.baseUrl}/api/v1/oauth/token`,
    ]);
    return JSON.parse(stdout) as Record<string, string | number>;
  };

  beforeAll(async () => {
    db = await databases.fresh(engine);
    server = await startServer({ databaseUrl: db.databaseUrl });
    cliEnv = {
      JDMAIL_DATA_DIR: server.dataDir,
      ...(db.databaseUrl ? { JDMAIL_DATABASE_URL: db.databaseUrl } : {}),
    };
    admin = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
    await admin.domains.create('example.com');
    await admin.domains.create('other.org');
    await admin.users.create({ address: 'alice@example.com', password: 'alice-password' });
    await admin.users.create({ address: 'olga@other.org', password: 'olga-password' });
    const smtp = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.smtpPort,
      secure: false,
      tls: { rejectUnauthorized: false },
    });
    await smtp.sendMail({
      from: 'hr@partner.test',
      to: 'alice@example.com',
      subject: 'Payslip for May',
      text: 'x',
    });
    await smtp.sendMail({
      from: 'hr@partner.test',
      to: 'olga@other.org',
      subject: 'For Olga only',
      text: 'x',
    });
    smtp.close();
    exampleApp = readCredentials(
      await runCli(
        ['app', 'create', '--name', 'OA', '--scopes', 'mail:read,users:read', '--domain', 'example.com'],
        cliEnv,
      ),
    );
  });
  afterAll(() => server?.destroy());

  it('registers an app with the CLI and lists it', async () => {
    expect(exampleApp.clientId).toMatch(/^jdc_/);
    expect(exampleApp.clientSecret).toMatch(/^jds_/);
    const list = await runCli(['app', 'list'], cliEnv);
    expect(list.trim().split('\n')).toEqual([
      `${exampleApp.clientId}\tenabled\texample.com\tusers:read,mail:read\tOA`,
    ]);
  });

  it('client credentials → token → the SDK lists a user’s unread mail', async () => {
    const jd = new JdMail({ baseUrl: server.baseUrl, ...exampleApp });
    const unread = await jd.mail.listUnread('alice@example.com');
    expect(unread.items.map((m) => m.subject)).toEqual(['Payslip for May']);
    expect(await jd.mail.unreadCount('alice@example.com')).toMatchObject({ unread: 1 });
    // The token is narrowed by scope, so writing fails: mail:write was never granted.
    await expect(jd.mail.markRead('alice@example.com', unread.items[0]?.id ?? '')).rejects.toMatchObject({
      status: 403,
      code: 'INSUFFICIENT_SCOPE',
    });
  });

  it('keeps an app to its domain: another domain’s mail is not found, both ways', async () => {
    const jd = new JdMail({ baseUrl: server.baseUrl, ...exampleApp });
    await expect(jd.mail.listUnread('olga@other.org')).rejects.toBeInstanceOf(NotFoundError);
    const created = await admin.apps.create({ name: 'other', scopes: ['mail:read'], domain: 'other.org' });
    const other = new JdMail({
      baseUrl: server.baseUrl,
      clientId: created.app.clientId,
      clientSecret: created.clientSecret,
    });
    expect((await other.mail.listUnread('olga@other.org')).items.map((m) => m.subject)).toEqual([
      'For Olga only',
    ]);
    const refused = await other.mail.listUnread('alice@example.com').then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(NotFoundError);
    expect(refused).toMatchObject({ status: 404, code: 'USER_NOT_FOUND' });
  });

  it('issues tokens to curl and answers errors the OAuth way', async () => {
    const ok = await curlToken(exampleApp, '-d', 'scope=mail:read');
    expect(ok).toMatchObject({ token_type: 'Bearer', expires_in: 600, scope: 'mail:read' });
    const { stdout } = await run('curl', [
      '-sS',
      '-H',
      `Authorization: Bearer ${ok.access_token}`,
      `${server.baseUrl}/api/v1/users/alice@example.com/unread-count`,
    ]);
    expect(JSON.parse(stdout)).toEqual({ unread: 1, total: 1 });
    expect(await curlToken(exampleApp, '-d', 'scope=users:write')).toMatchObject({ error: 'invalid_scope' });
    expect(await curlToken({ ...exampleApp, clientSecret: 'jds_wrong' })).toMatchObject({
      error: 'invalid_client',
    });
  });

  it('publishes a JWKS a third party verifies the token with, across a key rotation', async () => {
    const meta = (await (await fetch(`${server.baseUrl}/.well-known/oauth-authorization-server`)).json()) as {
      issuer: string;
      jwks_uri: string;
    };
    const port = new URL(server.baseUrl).port;
    expect(meta.issuer).toBe(`http://mail.test:${port}`);
    // The JWKS from where we reach the server (the issuer's host name is the server's, not resolvable here).
    const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', server.baseUrl));
    const before = String((await curlToken(exampleApp)).access_token);
    const verify = (token: string) =>
      jwtVerify(token, jwks, { issuer: meta.issuer, audience: `${meta.issuer}/api/v1`, typ: 'at+jwt' });
    const { payload, protectedHeader } = await verify(before);
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt' });
    expect(payload).toMatchObject({
      sub: exampleApp.clientId,
      client_id: exampleApp.clientId,
      scope: 'users:read mail:read',
      jdmail_domain: 'example.com',
    });

    const rotated = (await runCli(['keys', 'rotate'], cliEnv)).split('\t')[0] ?? '';
    expect(rotated).not.toBe(decodeProtectedHeader(before).kid);
    const keys = (await runCli(['keys', 'list'], cliEnv)).trim().split('\n');
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(new RegExp(`^${rotated}\tEdDSA\tsigning\t`));
    expect(keys[1]).toMatch(/\tretires \d{4}-/);
    // The old key still verifies its tokens, at the server and for the third party.
    const res = await fetch(`${server.baseUrl}/api/v1/users/alice@example.com/unread-count`, {
      headers: { authorization: `Bearer ${before}` },
    });
    expect(res.status).toBe(200);
    await expect(verify(before)).resolves.toBeTruthy();
    const published = (await (await fetch(`${server.baseUrl}/.well-known/jwks.json`)).json()) as {
      keys: { kid: string }[];
    };
    expect(published.keys.map((k) => k.kid)).toContain(decodeProtectedHeader(before).kid);
  });

  it('refuses a disabled app’s tokens at once, and the SDK reports why it gets no new one', async () => {
    const created = await admin.apps.create({ name: 'temp', scopes: ['mail:read'], domain: 'example.com' });
    const jd = new JdMail({
      baseUrl: server.baseUrl,
      clientId: created.app.clientId,
      clientSecret: created.clientSecret,
    });
    await jd.mail.unreadCount('alice@example.com');
    await admin.apps.update(created.app.clientId, { enabled: false });
    const error = await jd.mail.unreadCount('alice@example.com').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ code: 'invalid_grant', detail: 'This app is disabled' });
  });

  it('never logs a client secret or a token', () => {
    const logs = server.output.join('\n');
    expect(logs).toContain('app token issued');
    expect(logs).not.toContain(exampleApp.clientSecret);
    expect(logs).not.toMatch(/eyJ[\w-]+\.eyJ/);
  });
});
