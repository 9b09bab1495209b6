import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JdMail } from '@jdmail/sdk';
import nodemailer from 'nodemailer';
import type { ClientMetadata } from 'oidc-provider';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, launchChromium, newContext } from './harness/browser.js';
import { type OidcIdp, startOidcIdp } from './harness/oidc-idp.js';
import { freePort } from './harness/ports.js';
import { startServer, type TestServer } from './harness/server.js';

// The promise in a real browser: an employee on the company portal
// clicks "Mail", signs in at the company's OpenID Provider (oidc-provider,
// its own login form) and lands in the jdmail inbox showing a message that
// arrived over SMTP; signing out at the IdP (back-channel logout) ends the
// jdmail session too.

let idp: OidcIdp;
let server: TestServer;
let browser: Browser;
let portal: Server;
let portalUrl: string;
let base: string;

/** The company portal: an intranet page with a "Mail" button that starts SSO into jdmail. */
async function startPortal(mailUrl: string): Promise<Server> {
  const s = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Intranet</title></head>
<body><h1>Company intranet</h1><nav><a href="${mailUrl}">Mail</a></nav></body></html>`);
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return s;
}

/** At the IdP's own login form: sign in there. */
async function signInAtIdp(page: Page, login: string, password: string): Promise<void> {
  await page.waitForURL((u) => u.href.startsWith(`${idp.issuer}/interaction/`));
  await page.getByRole('heading', { name: 'Corp Login' }).waitFor();
  await page.getByLabel('Username').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const client: ClientMetadata = {
    client_id: 'jdmail',
    client_secret: 'jdmail-secret',
    redirect_uris: [`${base}/auth/oidc/corp/callback`],
    post_logout_redirect_uris: [`${base}/login?error=signed_out`],
    backchannel_logout_uri: `${base}/auth/oidc/corp/backchannel-logout`,
    backchannel_logout_session_required: true,
    grant_types: ['authorization_code'],
    response_types: ['code'],
  };
  [idp, browser] = await Promise.all([
    startOidcIdp({
      clients: [client],
      accounts: [
        { id: 'alice', email: 'alice@example.com', password: 'idp-alice', name: 'Alice Liddell' },
        { id: 'bob', email: 'bob@example.com', password: 'idp-bob' },
      ],
      title: 'Corp Login',
    }),
    launchChromium(),
  ]);
  const providers = [
    {
      id: 'corp',
      name: 'Corp account',
      issuer: idp.issuer,
      clientId: 'jdmail',
      clientSecret: 'jdmail-secret',
    },
  ];
  server = await startServer({
    env: { JDMAIL_HTTP_PORT: String(port), JDMAIL_SSO_OIDC: JSON.stringify(providers) },
  });
  const admin = new JdMail({ baseUrl: base, token: server.adminKey ?? '' });
  await admin.domains.create('example.com');
  await admin.users.create({ address: 'alice@example.com', displayName: 'Alice' });
  await admin.users.create({ address: 'bob@example.com', displayName: 'Bob' });
  const smtp = nodemailer.createTransport({
    host: '127.0.0.1',
    port: server.smtpPort,
    secure: false,
    tls: { rejectUnauthorized: false }, // the self-signed certificate made at init
  });
  await smtp.sendMail({
    from: '"IT Desk" <it@partner.test>',
    to: 'alice@example.com, bob@example.com',
    subject: 'Your laptop is ready',
    text: 'Pick it up at the front desk.',
  });
  smtp.close();
  portal = await startPortal(`${base}/auth/oidc/corp/start?redirect=%2F`);
  portalUrl = `http://127.0.0.1:${(portal.address() as AddressInfo).port}/`;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.destroy();
  await idp?.close();
  if (portal) await new Promise((r) => portal.close(r));
});

describe('OIDC single sign-on in Chromium', () => {
  it('goes portal → IdP login form → jdmail inbox; a back-channel logout from the IdP ends the session', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(portalUrl);
    await page.getByRole('link', { name: 'Mail' }).click();
    await signInAtIdp(page, 'alice', 'idp-alice');

    await page.waitForURL(`${base}/`);
    const row = page.locator('.row', { hasText: 'Your laptop is ready' });
    await row.waitFor();
    expect(await row.getAttribute('class')).toContain('row--unread');
    await page.locator('.topbar__user', { hasText: 'Alice' }).waitFor();

    // The employee signs out at the IdP; it tells jdmail over the back channel.
    await idp.backchannelLogout('alice');
    expect((await page.request.get(`${base}/auth/session`)).status()).toBe(401);
    // The next navigation lands on the login page.
    await row.getByRole('link').click();
    await page.waitForURL(/\/login\?error=session_expired/);
    await page.getByText('Your session has ended. Please sign in again.').waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in to your mail' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    await context.close();
  });

  it('signs in with the login page’s provider button and signs out at the IdP too', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.waitForURL(/\/login$/);
    await page.getByRole('link', { name: 'Sign in with Corp account' }).waitFor();
    await page.screenshot({ path: await artifactPath('webmail-login-sso.png') });
    await page.getByRole('link', { name: 'Sign in with Corp account' }).click();
    await signInAtIdp(page, 'bob', 'idp-bob');
    await page.waitForURL(`${base}/`);
    await page.locator('.row', { hasText: 'Your laptop is ready' }).waitFor();

    // Sign out: jdmail ends its session and sends the browser to the IdP's end-session page.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((u) => u.href.startsWith(idp.issuer));
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL(`${base}/login?error=signed_out`);
    await page.getByText('You have signed out.').waitFor();
    expect((await page.request.get(`${base}/auth/session`)).status()).toBe(401);

    // Signed out at the IdP as well: the next SSO sign-in asks for the password again.
    await page.getByRole('link', { name: 'Sign in with Corp account' }).click();
    await page.waitForURL((u) => u.href.startsWith(`${idp.issuer}/interaction/`));
    await page.getByLabel('Password').waitFor();
    await context.close();
  });
});
