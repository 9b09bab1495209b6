import { JdMail } from '@jdmail/sdk';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './harness/axe.js';
import { artifactPath, DESKTOP, launchChromium, newContext, PHONE } from './harness/browser.js';
import { startServer, type TestServer } from './harness/server.js';

// The webmail's settings screens in a real Chromium against the real server
// (issue 21): a signature, a language that follows the user to another
// device, an auto-reply another user receives, forwarding, a password change
// and a new sign-in, ending the other sessions; every section in both
// languages (screenshots) with no serious accessibility violation.

// Functions given to page.evaluate run in Chromium; this file is type-checked without the DOM library.
declare const document: { documentElement: { lang: string; scrollWidth: number } };

const SECTIONS = ['general', 'signature', 'auto-reply', 'forwarding', 'password', 'sessions'] as const;

let server: TestServer;
let browser: Browser;
let jd: JdMail;
const contexts: BrowserContext[] = [];

/** A browser context signed in as `address` (the cookie from `POST /auth/login`). */
async function signedIn(address: string, password: string, options: Parameters<typeof newContext>[1] = {}) {
  const context = await newContext(browser, options);
  contexts.push(context);
  const res = await context.request.post(`${server.baseUrl}/auth/login`, { data: { address, password } });
  expect(res.status()).toBe(200);
  return { context, page: await context.newPage() };
}

const open = async (page: Page, section: string) => {
  await page.goto(`${server.baseUrl}/settings/${section}`);
  await page
    .locator(
      `.settings[data-section="${section}"] form, .settings[data-section="${section}"] table, .settings[data-section="${section}"] .notice`,
    )
    .first()
    .waitFor();
};

const subjectsOf = async (user: string) =>
  (await jd.mail.list(user, { limit: 50 }).toArray()).map((m) => m.subject);

async function eventually<T>(probe: () => Promise<T | undefined | false>, what: string, ms = 20_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
  await jd.domains.create('example.com');
  for (const [u, name] of [
    ['alice', 'Alice Wang'],
    ['bob', 'Bob'],
    ['carol', 'Carol'],
    ['erin', 'Erin'],
  ]) {
    await jd.users.create({ address: `${u}@example.com`, password: `${u}-password`, displayName: name });
  }
  await jd.users.create({ address: 'sso@example.com', displayName: 'SSO only' });
}, 120_000);
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.destroy();
});

describe('webmail settings', () => {
  it('saves a plain and a formatted signature', async () => {
    const { page } = await signedIn('alice@example.com', 'alice-password');
    await open(page, 'signature');
    await page.getByLabel('Plain-text signature').fill('Alice Wang\nSales');
    const editor = page.getByRole('textbox', { name: 'Formatted signature' });
    await editor.click();
    await page.getByRole('button', { name: 'Bold' }).click();
    await page.keyboard.type('Alice Wang');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('saved').waitFor();
    const saved = await jd.settings.get('alice@example.com');
    expect(saved.signature.text).toBe('Alice Wang\nSales');
    expect(saved.signature.html).toMatch(/<b>Alice Wang<\/b>/);
  });

  it('switches the language at once and keeps it on another device', async () => {
    const { page } = await signedIn('alice@example.com', 'alice-password');
    await open(page, 'general');
    await page.locator('#settings-language').selectOption('zh-CN');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: '个人资料' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    // A second device with an English browser and nothing saved in it.
    const other = await signedIn('alice@example.com', 'alice-password', { locale: 'en-US' });
    await open(other.page, 'general');
    await other.page.getByRole('heading', { name: '个人资料' }).waitFor();
    expect(await other.page.getByLabel('显示名称').inputValue()).toBe('Alice Wang');
    await jd.settings.update('alice@example.com', { language: 'en' });
  });

  it('saves the top bar’s language choice in the settings too', async () => {
    const { page } = await signedIn('alice@example.com', 'alice-password');
    await open(page, 'general');
    await page.locator('#language').selectOption('zh-CN');
    await page.getByRole('heading', { name: '个人资料' }).waitFor();
    await expect.poll(async () => (await jd.settings.get('alice@example.com')).language).toBe('zh-CN');
    await jd.settings.update('alice@example.com', { language: 'en' });
  });

  it('turns on an auto-reply that another user receives', async () => {
    const { page } = await signedIn('alice@example.com', 'alice-password');
    await open(page, 'auto-reply');
    await page.getByLabel('Send an automatic reply').check();
    await page.getByLabel('Message').fill('');
    await page.getByRole('button', { name: 'Save' }).click();
    // The error is next to its field, and the field says so.
    await page.locator('#settings-vacation-text-error').waitFor();
    expect(await page.getByLabel('Message').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Subject').fill('Out of office');
    await page.getByLabel('Message').fill('I am away until Monday.');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('saved').waitFor();
    await jd.mail.send('bob@example.com', {
      to: ['alice@example.com'],
      subject: 'Lunch?',
      text: 'Are you in?',
    });
    await eventually(
      async () => (await subjectsOf('bob@example.com')).includes('Out of office'),
      'the auto-reply',
    );
    await jd.settings.update('alice@example.com', { vacation: { enabled: false } });
  });

  it('forwards to another address, refusing a bad one next to the field', async () => {
    const { page } = await signedIn('alice@example.com', 'alice-password');
    await open(page, 'forwarding');
    await page.getByLabel('Forward my mail').check();
    const to = page.getByLabel('Forward to');
    await to.fill('not-an-address');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#settings-forward-to-error').waitFor();
    expect(await to.getAttribute('aria-invalid')).toBe('true');
    await to.fill('erin@example.com');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('saved').waitFor();
    await jd.mail.send('bob@example.com', {
      to: ['alice@example.com'],
      subject: 'Minutes',
      text: 'Attached.',
    });
    expect(await subjectsOf('erin@example.com')).toContain('Minutes');
    expect(await subjectsOf('alice@example.com')).toContain('Minutes');
    await jd.settings.update('alice@example.com', { forwarding: { enabled: false } });
  });

  it('changes the password, refusing a wrong current one, and signs in again with the new one', async () => {
    const { page } = await signedIn('carol@example.com', 'carol-password');
    await open(page, 'password');
    await page.getByLabel('Current password').fill('not-her-password');
    await page.getByLabel('New password', { exact: true }).fill('carol-new-password');
    await page.getByLabel('Confirm new password').fill('carol-new-password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.locator('#settings-pw-current-error').waitFor();
    await page.getByLabel('Current password').fill('carol-password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByTestId('password-changed').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login/);
    await page.getByLabel('E-mail address').fill('carol@example.com');
    await page.getByLabel('Password').fill('carol-new-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    // A user without a local password is told where to change it.
    const link = await jd.sso.createLoginLink('sso@example.com', { redirect: '/settings/password' });
    const ssoPage = await (await newContext(browser)).newPage();
    await ssoPage.goto(link.url);
    await ssoPage.getByTestId('password-external').waitFor();
    await ssoPage.context().close();
  });

  it('lists the signed-in devices and ends the others', async () => {
    const here = await signedIn('erin@example.com', 'erin-password');
    const there = await signedIn('erin@example.com', 'erin-password');
    await open(here.page, 'sessions');
    const rows = here.page.locator('table.sessions tbody tr');
    expect(await rows.count()).toBe(2);
    await here.page.getByText('This device').waitFor();
    await here.page.getByRole('button', { name: 'Sign out all other devices' }).click();
    await here.page.getByText('You are not signed in anywhere else.').waitFor();
    expect(await rows.count()).toBe(1);
    await there.page.goto(`${server.baseUrl}/`);
    await there.page.waitForURL(/\/login/);
  });

  it('looks right in both languages, on a desktop and a phone, with no serious accessibility violation', async () => {
    for (const language of ['en', 'zh-CN'] as const) {
      await jd.settings.update('alice@example.com', { language });
      const { page } = await signedIn('alice@example.com', 'alice-password', { viewport: DESKTOP });
      await signedIn('alice@example.com', 'alice-password'); // a second session for the sessions list
      for (const section of SECTIONS) {
        await open(page, section);
        await page.waitForFunction((l) => document.documentElement.lang === l, language);
        await page.screenshot({ path: await artifactPath(`settings-${section}-${language}.png`) });
        expect(await seriousViolations(page), `${section} in ${language}`).toEqual([]);
      }
      const phone = await signedIn('alice@example.com', 'alice-password', {
        viewport: PHONE,
        isMobile: true,
      });
      await open(phone.page, 'general');
      await phone.page.waitForFunction((l) => document.documentElement.lang === l, language);
      await phone.page.screenshot({ path: await artifactPath(`settings-general-${language}-phone.png`) });
      expect(await seriousViolations(phone.page)).toEqual([]);
      // Nothing wider than the phone's screen.
      expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        PHONE.width,
      );
    }
  });
});
