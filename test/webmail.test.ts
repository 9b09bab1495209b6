import { readFile } from 'node:fs/promises';
import { JdMail } from '@jdmail/sdk';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  artifactPath,
  type ImageHost,
  launchChromium,
  newContext,
  startImageHost,
} from './harness/browser.js';
import { startServer, type TestServer } from './harness/server.js';

// The webmail in a real Chromium against the real server: password sign-in,
// a message that arrived over SMTP, sanitizing, remote images, attachments,
// read/unread, sign-out, an expired session, and a phone-sized screen.

// Functions given to page.evaluate run in Chromium; this file is type-checked without the DOM library.
declare const document: {
  body: { getAttribute(name: string): string | null };
  activeElement: unknown;
  documentElement: { scrollWidth: number };
};
declare function getComputedStyle(element: unknown): { fontWeight: string };
type Img = { complete: boolean; naturalWidth: number };

const PNG_1PX =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

let server: TestServer;
let browser: Browser;
let images: ImageHost;
let jd: JdMail;

async function smtpSend(message: SendMailOptions): Promise<void> {
  const t = nodemailer.createTransport({
    host: '127.0.0.1',
    port: server.smtpPort,
    secure: false,
    tls: { rejectUnauthorized: false },
  });
  try {
    await t.sendMail(message);
  } finally {
    t.close();
  }
}

async function signIn(page: Page, address: string, password: string): Promise<void> {
  await page.goto(`${server.baseUrl}/`);
  await page.waitForURL(/\/login$/);
  await page.getByLabel('E-mail address').fill(address);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Inbox' }).waitFor();
}

const fontWeight = (page: Page, subject: string) =>
  page
    .locator('.row', { hasText: subject })
    .locator('.row__subject')
    .evaluate((e) => getComputedStyle(e).fontWeight);

beforeAll(async () => {
  [server, browser, images] = await Promise.all([startServer(), launchChromium(), startImageHost()]);
  jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
  await jd.domains.create('example.com');
  await jd.users.create({
    address: 'alice@example.com',
    password: 'alice-password',
    displayName: 'Alice Wang',
  });
  await jd.users.create({ address: 'bob@example.com', password: 'bob-password' });
  await jd.users.create({ address: 'carol@example.com', password: 'carol-password' });
  await jd.users.create({ address: 'erin@example.com', password: 'erin-password' });
  await smtpSend({
    from: '"Zhang San" <zhang@partner.test>',
    to: 'alice@example.com',
    subject: 'Quarterly report',
    text: 'Please find the report attached.',
    html: `<h2>Quarterly report</h2><p>Please find the <b>report</b> attached.</p>
      <script>parent.document.body.setAttribute('data-pwned', 'script')</script>
      <img alt="broken" src="data:image/png;base64,AAAA" onerror="parent.document.body.setAttribute('data-pwned', 'onerror'); alert(1)">
      <img alt="logo" src="cid:logo@partner.test">
      <img alt="tracker" src="${images.origin}/pixel.png?for=alice">
      <p><a href="https://example.com/report">Open online</a></p>`,
    attachments: [
      { filename: 'report.csv', content: 'a,b\n1,2\n' },
      { filename: 'logo.png', cid: 'logo@partner.test', content: Buffer.from(PNG_1PX, 'base64') },
    ],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await images?.close();
  await server?.destroy();
});

describe('webmail in Chromium', () => {
  it('signs in with a password, reads the SMTP message safely, marks it, and signs out', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });

    // Signed out, / goes to the login page.
    await page.goto(`${server.baseUrl}/`);
    await page.waitForURL(/\/login$/);
    await page.getByLabel('E-mail address').waitFor();
    await page.screenshot({ path: await artifactPath('webmail-login-desktop.png') });
    await page.getByLabel('E-mail address').fill('alice@example.com');
    await page.getByLabel('Password').fill('alice-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${server.baseUrl}/`);

    // The message that came in over SMTP, unread and in bold.
    const row = page.locator('.row', { hasText: 'Quarterly report' });
    await row.waitFor();
    expect(await row.getAttribute('class')).toContain('row--unread');
    expect(await fontWeight(page, 'Quarterly report')).toBe('700');
    expect(await row.textContent()).toContain('Zhang San');
    expect(await row.getByRole('img', { name: 'Has attachments' }).count()).toBe(1);
    await page.getByTestId('unread-count').filter({ hasText: '1 unread' }).waitFor();
    await page.screenshot({ path: await artifactPath('webmail-inbox-desktop.png') });

    // Open it: sanitized, in the sandboxed frame; the remote image is not fetched.
    await row.getByRole('link').click();
    await page.waitForURL(/\/m\/[^/?]+$/);
    const messageUrl = page.url();
    const frame = page.frameLocator('iframe.mail-frame');
    await frame.getByText('Please find the').waitFor();
    const logo = frame.locator('img[alt="logo"]');
    await expect
      .poll(() => logo.evaluate((i) => (i as unknown as Img).complete && (i as unknown as Img).naturalWidth))
      .toBe(1);
    expect(await frame.locator('script, [onerror]').count()).toBe(0);
    expect(await frame.locator('img[alt="tracker"]').getAttribute('src')).toBeNull();
    expect(await frame.locator('a', { hasText: 'Open online' }).getAttribute('rel')).toBe(
      'noopener noreferrer',
    );
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => document.body.getAttribute('data-pwned'))).toBeNull();
    expect(dialogs).toEqual([]);
    expect(images.requests).toEqual([]);
    expect(await page.locator('iframe.mail-frame').getAttribute('sandbox')).not.toContain('allow-scripts');

    // The attachment downloads with its name and bytes; the inline logo is not listed.
    const attachments = page.getByRole('region', { name: '1 attachment' });
    expect(await attachments.getByRole('link').count()).toBe(1);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      attachments.getByRole('link', { name: /report\.csv/ }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('report.csv');
    expect(await readFile((await download.path()) ?? '', 'utf8')).toBe('a,b\n1,2\n');

    // "Show images" loads this view anew with images allowed: now the remote host is asked.
    await page.getByRole('link', { name: 'Show images' }).click();
    await page.waitForURL(/\?images=1$/);
    await expect.poll(() => images.requests, { timeout: 10_000 }).toEqual(['/pixel.png?for=alice']);
    expect(await page.evaluate(() => document.body.getAttribute('data-pwned'))).toBeNull();

    // Back in the inbox it is read (not bold); the unread count follows.
    await page.getByRole('link', { name: 'Inbox' }).first().click();
    await page.waitForURL(`${server.baseUrl}/`);
    await row.waitFor();
    expect(await row.getAttribute('class')).not.toContain('row--unread');
    expect(await fontWeight(page, 'Quarterly report')).toBe('400');
    await page.getByTestId('unread-count').filter({ hasText: '0 unread' }).waitFor();

    // Mark it unread again from the message view.
    await page.goto(messageUrl);
    await page.getByRole('button', { name: 'Mark as unread' }).click();
    await page.waitForURL(`${server.baseUrl}/`);
    await expect.poll(() => fontWeight(page, 'Quarterly report')).toBe('700');
    const stored = (await jd.mail.list('alice@example.com', { limit: 10 })).items;
    expect(stored.find((m) => m.subject === 'Quarterly report')?.unread).toBe(true);

    // Sign out: the login page says so, and the session is gone on the server.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login\?error=signed_out$/);
    await page.getByText('You have signed out.').waitFor();
    expect((await page.request.get(`${server.baseUrl}/auth/session`)).status()).toBe(401);
    expect(
      (await page.request.get(`${server.baseUrl}/api/v1/users/alice@example.com/unread-count`)).status(),
    ).toBe(401);
    await page.goto(`${server.baseUrl}/`);
    await page.waitForURL(/\/login$/);
    await context.close();
  });

  it('sends a user whose session ends mid-use back to the login page, then where they were', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, 'bob@example.com', 'bob-password');
    await page.locator('.pane__state', { hasText: 'Your inbox is empty.' }).waitFor();
    // An administrator ends all of Bob's sessions.
    const res = await fetch(`${server.baseUrl}/api/v1/users/bob@example.com/sessions`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${server.adminKey}` },
    });
    expect(res.ok).toBe(true);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.waitForURL(/\/login\?error=session_expired/);
    await page.getByText('Your session has ended. Please sign in again.').waitFor();
    await page.getByLabel('E-mail address').fill('bob@example.com');
    await page.getByLabel('Password').fill('bob-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${server.baseUrl}/`);
    await context.close();
  });

  it('explains a wrong password, a rate limit with its wait, and every sign-in error code', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/login`);
    const alert = page.locator('#login-failure');
    await page.getByLabel('E-mail address').fill('carol@example.com');
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await alert.filter({ hasText: 'do not match an account' }).waitFor();
    expect(await page.getByLabel('Password').evaluate((e) => e === document.activeElement)).toBe(true);
    // More failures from this address, waiting out each delay, until the next wait is a few seconds.
    let wait = 0;
    for (let i = 0; i < 20 && wait < 4; i++) {
      const r = await page.request.post(`${server.baseUrl}/auth/login`, {
        data: { address: 'carol@example.com', password: 'still-wrong' },
      });
      if (r.status() === 429) {
        wait = Number(r.headers()['retry-after']);
        if (wait < 4) await new Promise((done) => setTimeout(done, wait * 1000 + 50));
      } else expect(r.status()).toBe(401);
    }
    expect(wait).toBeGreaterThanOrEqual(4);
    await page.getByLabel('Password').fill('carol-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await alert.filter({ hasText: /Too many sign-in attempts\. Try again in \d+ seconds?\./ }).waitFor();
    expect(await page.getByRole('button', { name: 'Sign in' }).isDisabled()).toBe(true);

    const codes: Record<string, string> = {
      link_invalid: 'This sign-in link cannot be used.',
      sso_failed: 'Single sign-on did not complete.',
      directory_unavailable: 'The user directory cannot be reached right now',
      session_expired: 'Your session has ended.',
      signed_out: 'You have signed out.',
      bogus: 'Signing in did not work.',
    };
    for (const [code, text] of Object.entries(codes)) {
      await page.goto(`${server.baseUrl}/login?error=${code}`);
      await page.locator('.notice', { hasText: text }).waitFor();
    }
    await context.close();
  });

  it('pages through a long inbox and moves through it with the keyboard', async () => {
    for (let i = 1; i <= 52; i++) {
      await jd.mail.send('bob@example.com', {
        to: ['erin@example.com'],
        subject: `Note ${i}`,
        text: `n${i}`,
      });
    }
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, 'erin@example.com', 'erin-password');
    const rows = page.locator('.row');
    await rows.nth(49).waitFor();
    expect(await rows.count()).toBe(50);
    expect(await rows.first().textContent()).toContain('Note 52');
    // exact: "Older" is also inside "New folder" (the sidebar's button).
    const newer = page.getByRole('button', { name: 'Newer', exact: true });
    const older = page.getByRole('button', { name: 'Older', exact: true });
    expect(await newer.isDisabled()).toBe(true);
    await older.click();
    await page.waitForURL(/\/\?cursor=/);
    await page.locator('.row', { hasText: 'Note 1' }).last().waitFor();
    await expect.poll(() => rows.count()).toBe(2);
    expect(await older.isDisabled()).toBe(true);
    await newer.click();
    await page.waitForURL(`${server.baseUrl}/`);
    await expect.poll(() => rows.count()).toBe(50);
    // Back/forward follow the pages too.
    await page.goBack();
    await expect.poll(() => rows.count()).toBe(2);
    await page.goForward();
    await expect.poll(() => rows.count()).toBe(50);

    // Arrow keys move between messages; Enter opens one; focus lands on its subject.
    await rows.first().getByRole('link').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Note 50' }).waitFor();
    await expect
      .poll(() => page.evaluate(() => (document.activeElement as unknown as { id: string }).id))
      .toBe('message-subject');
    await context.close();
  });

  it('works on a phone-sized screen: the list, then the message alone', async () => {
    const context = await newContext(browser, { viewport: { width: 390, height: 844 }, isMobile: true });
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/login`);
    await page.getByLabel('E-mail address').waitFor();
    await page.screenshot({ path: await artifactPath('webmail-login-phone.png') });
    await signIn(page, 'alice@example.com', 'alice-password');
    const row = page.locator('.row', { hasText: 'Quarterly report' });
    await row.waitFor();
    expect(await page.locator('.pane--reader').isVisible()).toBe(false);
    // Nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: await artifactPath('webmail-inbox-phone.png') });
    await row.getByRole('link').click();
    await page.frameLocator('iframe.mail-frame').getByText('Please find the').waitFor();
    expect(await page.locator('.pane--list').isVisible()).toBe(false);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.getByRole('link', { name: 'Inbox' }).first().click();
    await row.waitFor();
    expect(await page.locator('.pane--reader').isVisible()).toBe(false);
    await context.close();
  });
});
