import { JdMail, ValidationError } from '@jdmail/sdk';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newContext } from './harness/browser.js';
import { runCli, startServer, type TestServer } from './harness/server.js';

// One-click login links in a real browser, as an employee meets them: a
// portal issues a link with the SDK, the browser opens it and lands in the
// webmail signed in; a used, expired or disabled user's link shows the login
// page with a clear message and no session.

let server: TestServer;
let browser: Browser;
let admin: JdMail;
let portal: JdMail;
let messageId: string;

const LINK_INVALID = 'This sign-in link cannot be used.';

async function sessionStatus(page: Page): Promise<number> {
  return (await page.request.get(`${server.baseUrl}/auth/session`)).status();
}

async function expectRefused(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForURL(`${server.baseUrl}/login?error=link_invalid`);
  await page.getByRole('alert').filter({ hasText: LINK_INVALID }).waitFor();
  await page.getByLabel('E-mail address').waitFor();
  expect(await sessionStatus(page)).toBe(401);
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  admin = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
  await admin.domains.create('example.com');
  for (const address of ['alice@example.com', 'bob@example.com', 'carol@example.com'])
    await admin.users.create({ address, password: `${address}-pw`, displayName: address.split('@')[0] });
  await admin.users.create({ address: 'dave@example.com', password: 'dave-password', displayName: 'Dave' });
  const sent = await admin.mail.send('dave@example.com', {
    to: ['alice@example.com'],
    subject: 'Your laptop is ready',
    text: 'Pick it up in room 3.',
  });
  const inbox = await admin.mail.list('alice@example.com', { limit: 5 });
  messageId = inbox.items.find((m) => m.subject === 'Your laptop is ready')?.id ?? '';
  expect(sent.id).not.toBe(messageId); // the sender's Sent copy is another message
  const key = await runCli(
    ['apikey', 'create', '--name', 'portal', '--scopes', 'sso:issue', '--domain', 'example.com'],
    { JDMAIL_DATA_DIR: server.dataDir },
  );
  portal = new JdMail({ baseUrl: server.baseUrl, token: key.trim() });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.destroy();
});

describe('login links in Chromium', () => {
  it('opens the webmail signed in, at the linked message, once; a replay shows a clear page', async () => {
    const { url } = await portal.sso.createLoginLink('alice@example.com', { redirect: `/m/${messageId}` });
    const employee = await newContext(browser);
    const page = await employee.newPage();
    await page.goto(url);
    await page.waitForURL(`${server.baseUrl}/m/${messageId}`);
    await page.getByRole('heading', { name: 'Your laptop is ready' }).waitFor();
    await page.locator('.message__body', { hasText: 'Pick it up in room 3.' }).waitFor();
    await page.locator('.topbar__user', { hasText: 'alice' }).waitFor();
    expect(await sessionStatus(page)).toBe(200);

    // The same link again, in another browser, signs nobody in.
    const other = await newContext(browser);
    await expectRefused(await other.newPage(), url);
    await other.close();
    await employee.close();
  });

  it('refuses an expired link', async () => {
    const { url } = await portal.sso.createLoginLink('bob@example.com', { ttlSeconds: 1 });
    await new Promise((r) => setTimeout(r, 1200));
    const context = await newContext(browser);
    await expectRefused(await context.newPage(), url);
    await context.close();
  });

  it('refuses the link of a user disabled after it was issued', async () => {
    const { url } = await portal.sso.createLoginLink('carol@example.com');
    await admin.users.disable('carol@example.com');
    const context = await newContext(browser);
    await expectRefused(await context.newPage(), url);
    await context.close();
    await admin.users.enable('carol@example.com');
  });

  it('never sends the browser off this webmail: foreign redirects are refused at issue and at sign-in', async () => {
    for (const redirect of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
      const error = await portal.sso.createLoginLink('alice@example.com', { redirect }).catch((e) => e);
      expect(error).toBeInstanceOf(ValidationError);
    }
    // The login page's own ?redirect= is held to webmail paths too.
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/login?redirect=${encodeURIComponent('//evil.example/x')}`);
    await page.getByLabel('E-mail address').fill('bob@example.com');
    await page.getByLabel('Password').fill('bob@example.com-pw');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${server.baseUrl}/`);
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    await context.close();
  });
});
