import { JdMail } from '@jdmail/sdk';
import nodemailer from 'nodemailer';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './harness/axe.js';
import { artifactPath, DESKTOP, launchChromium, newContext, PHONE } from './harness/browser.js';
import { startServer, type TestServer } from './harness/server.js';

// Every webmail page in both languages, at 1280×800 and (inbox, message) at 390×844: a screenshot
// for people to look at (test/artifacts/webmail-<page>-<locale>[-phone].png), no serious or
// critical axe-core violation, nothing wider than the screen, and the page in the right language.

// Functions given to page.evaluate run in Chromium; this file is type-checked without the DOM library.
declare const document: { documentElement: { scrollWidth: number } };

const ALICE = 'alice@example.com';
let server: TestServer;
let browser: Browser;
let jd: JdMail;
let messageId = '';

const LOCALES = [
  {
    locale: 'en',
    browser: 'en-US',
    inbox: 'Inbox',
    folder: '项目',
    search: 'Results for “合同”',
    signIn: 'Sign in',
  },
  {
    locale: 'zh-CN',
    browser: 'zh-CN',
    inbox: '收件箱',
    folder: '项目',
    search: '“合同”的搜索结果',
    signIn: '登录',
  },
] as const;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
  await jd.domains.create('example.com');
  await jd.users.create({ address: ALICE, password: 'alice-password', displayName: '李娜' });
  await jd.mail.createMailbox(ALICE, '项目/2026');
  const mx = nodemailer.createTransport({ host: '127.0.0.1', port: server.smtpPort, ignoreTLS: true });
  try {
    await mx.sendMail({
      from: '"王经理" <wang@partner.test>',
      to: ALICE,
      subject: '关于2026年度采购合同的续签事宜以及附件中的报价单，请在本周五之前确认并回复',
      text: '李娜，您好：\n\n附件是新的采购合同草案和报价单，请审阅。\n\n王经理',
      attachments: [{ filename: '采购合同草案.csv', content: 'a,b\n1,2\n' }],
    });
    await mx.sendMail({ from: 'news@shop.test', to: ALICE, subject: 'Weekly offers', text: 'Offers.' });
  } finally {
    mx.close();
  }
  const page = await jd.mail.search(ALICE, '合同');
  messageId = page.items[0]?.id ?? '';
  const offers = (await jd.mail.search(ALICE, 'offers')).items[0];
  if (offers) await jd.mail.move(ALICE, offers.id, '项目');
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.destroy();
});

async function check(page: Page, name: string, width: number): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: await artifactPath(`webmail-${name}.png`) });
  expect(await seriousViolations(page), name).toEqual([]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth), name).toBeLessThanOrEqual(width);
}

describe('webmail pages in both languages', () => {
  for (const l of LOCALES) {
    it(`${l.locale}: login, inbox, folder, message, search at 1280×800; inbox and message at 390×844`, async () => {
      const context = await newContext(browser, { locale: l.browser, viewport: DESKTOP });
      const page = await context.newPage();
      await page.goto(`${server.baseUrl}/login`);
      await page.getByRole('button', { name: l.signIn, exact: true }).waitFor();
      expect(await page.getAttribute('html', 'lang')).toBe(l.locale);
      await check(page, `login-${l.locale}`, DESKTOP.width);

      await page.locator('#address').fill(ALICE);
      await page.locator('#password').fill('alice-password');
      await page.getByRole('button', { name: l.signIn, exact: true }).click();
      await page.getByRole('heading', { name: l.inbox }).waitFor();
      await page.locator('.list .row').first().waitFor();
      await check(page, `inbox-${l.locale}`, DESKTOP.width);

      await page.goto(`${server.baseUrl}/f/${encodeURIComponent('项目')}`);
      await page.getByRole('heading', { name: l.folder }).waitFor();
      await page.locator('.list .row').first().waitFor();
      await check(page, `folder-${l.locale}`, DESKTOP.width);

      await page.goto(`${server.baseUrl}/m/${messageId}`);
      await page.locator('#message-subject').waitFor();
      await check(page, `message-${l.locale}`, DESKTOP.width);

      await page.goto(`${server.baseUrl}/search?q=${encodeURIComponent('合同')}`);
      await page.getByRole('heading', { name: l.search }).waitFor();
      await page.locator('.list .row').first().waitFor();
      await check(page, `search-${l.locale}`, DESKTOP.width);
      await context.close();

      const phone = await newContext(browser, { locale: l.browser, viewport: PHONE, isMobile: true });
      const mobile = await phone.newPage();
      await mobile.emulateMedia({ reducedMotion: 'reduce' }); // the drawer opens without sliding: a sharp screenshot
      await mobile.goto(`${server.baseUrl}/login`);
      await mobile.locator('#address').fill(ALICE);
      await mobile.locator('#password').fill('alice-password');
      await mobile.getByRole('button', { name: l.signIn, exact: true }).click();
      await mobile.getByRole('heading', { name: l.inbox }).waitFor();
      await mobile.locator('.list .row').first().waitFor();
      // The sidebar is a drawer: hidden until the menu button opens it.
      expect(await mobile.locator('nav#folders').isVisible()).toBe(false);
      await check(mobile, `inbox-${l.locale}-phone`, PHONE.width);
      await mobile.locator('.topbar__menu').click();
      await mobile.locator('nav#folders a.folder__link').first().waitFor({ state: 'visible' });
      await check(mobile, `folders-${l.locale}-phone`, PHONE.width);
      expect(await mobile.locator('#drawer-language').isVisible()).toBe(true);
      await mobile.keyboard.press('Escape');
      await expect.poll(() => mobile.locator('nav#folders').isVisible()).toBe(false);
      await mobile.goto(`${server.baseUrl}/m/${messageId}`);
      await mobile.locator('#message-subject').waitFor();
      await check(mobile, `message-${l.locale}-phone`, PHONE.width);
      await phone.close();
    });
  }
});
