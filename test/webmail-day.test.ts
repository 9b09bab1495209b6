import { readFile } from 'node:fs/promises';
import { JdMail } from '@jdmail/sdk';
import nodemailer from 'nodemailer';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seriousViolations } from './harness/axe.js';
import { artifactPath, DESKTOP, launchChromium, newContext } from './harness/browser.js';
import { startServer, type TestServer } from './harness/server.js';

// An employee's day in the webmail, in Chinese, as issue 21 tells it, in one story against one
// real server: 王小明 writes to 张三 with an attachment → 张三, whose inbox is open, sees it arrive
// without reloading and downloads the attachment → replies → files it into a new folder → finds it
// again by a Chinese word → marks an advertisement as junk and takes it back → deletes the report
// and restores it from Trash. Every step is checked on the server through the SDK.

const WANG = 'wang@day.test';
const ZHANG = 'zhang@day.test';
const FILE = Buffer.from('%PDF-1.4\n% 季度报告\n'.repeat(200));

let server: TestServer;
let browser: Browser;
let jd: JdMail;
const contexts: BrowserContext[] = [];

/** A Chinese-language browser signed in as `address` by a one-click login link, at `path`. */
async function pageAs(address: string, path: string): Promise<Page> {
  const context = await newContext(browser, { locale: 'zh-CN', viewport: DESKTOP });
  contexts.push(context);
  const page = await context.newPage();
  const { url } = await jd.sso.createLoginLink(address, { redirect: path });
  await page.goto(url);
  await page.waitForURL((u) => u.pathname === path);
  return page;
}

/** The mailboxes holding messages with exactly this subject, as the server has them now. */
async function whereIs(address: string, subject: string): Promise<string[]> {
  const page = await jd.mail.search(address, `subject:"${subject}"`, { limit: 50 });
  return page.items.filter((m) => m.subject === subject).map((m) => m.mailbox);
}

const row = (page: Page, subject: string) => page.locator('.list .row', { hasText: subject });
const toolbar = (page: Page) => page.getByRole('toolbar');
const folder = (page: Page, name: string) =>
  page.locator('nav#folders').getByRole('link', { name: new RegExp(`^${name}(\\s|$)`) });

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
  await jd.domains.create('day.test');
  await jd.users.create({ address: WANG, password: 'wang-password', displayName: '王小明' });
  await jd.users.create({ address: ZHANG, password: 'zhang-password', displayName: '张三' });
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.destroy();
});

it("goes through an employee's day: write, receive live, reply, file, search, junk, restore", async () => {
  // 张三's inbox is open before anything is sent.
  const zhang = await pageAs(ZHANG, '/');
  await zhang.getByRole('heading', { name: '收件箱' }).waitFor();

  // 王小明 writes to 张三, picked from the address book by pinyin initials, with an attachment.
  const wang = await pageAs(WANG, '/compose');
  await wang.getByRole('heading', { name: '写信' }).waitFor();
  const to = wang.getByRole('combobox', { name: '收件人', exact: true });
  await to.fill('zs');
  await wang.getByRole('option', { name: /张三/ }).waitFor();
  await to.press('ArrowDown');
  await to.press('Enter');
  await wang.getByLabel('主题').fill('第三季度报告');
  await wang.locator('.editor__content').click();
  await wang.keyboard.type('张三，你好：请审阅附件中的季度报告。');
  await wang
    .getByTestId('attach-input')
    .setInputFiles({ name: '季度报告.pdf', mimeType: 'application/pdf', buffer: FILE });
  await wang.locator('.upload--ready', { hasText: '季度报告.pdf' }).waitFor();
  await wang.getByRole('button', { name: '发送', exact: true }).click();
  await wang.waitForURL((u) => u.pathname === '/');

  // It appears in 张三's open inbox without a reload; he opens it and downloads the attachment.
  await row(zhang, '第三季度报告').waitFor({ timeout: 20_000 });
  await row(zhang, '第三季度报告').locator('a.row__link').click();
  await zhang.getByRole('heading', { name: '第三季度报告' }).waitFor();
  const link = zhang.getByRole('link', { name: /季度报告\.pdf/ });
  const [download] = await Promise.all([zhang.waitForEvent('download'), link.click()]);
  expect((await readFile(await download.path())).equals(FILE)).toBe(true);

  // He replies; 王小明 has the answer, threaded.
  await zhang.getByRole('link', { name: '回复', exact: true }).click();
  await zhang.getByRole('heading', { name: '回复' }).waitFor();
  await zhang.locator('.editor__content').press('Control+Home');
  await zhang.keyboard.type('收到，周五前反馈。');
  await zhang.getByRole('button', { name: '发送', exact: true }).click();
  await zhang.waitForURL((u) => u.pathname === '/');
  await expect.poll(() => whereIs(WANG, '回复：第三季度报告'), { timeout: 20_000 }).toEqual(['INBOX']);

  // He files the report into a new folder 项目 (tick the row, 移动到…, pick the folder).
  await zhang.locator('nav#folders').getByRole('button', { name: '新建文件夹' }).click();
  await zhang.getByRole('dialog').getByLabel('文件夹名称').fill('项目');
  await zhang.getByRole('dialog').getByRole('button', { name: '保存' }).click();
  await folder(zhang, '项目').waitFor();
  await row(zhang, '第三季度报告').getByRole('checkbox').check();
  await toolbar(zhang).getByRole('button', { name: '移动到…' }).click();
  await zhang.getByRole('dialog').getByRole('button', { name: '项目' }).click();
  await expect.poll(() => row(zhang, '第三季度报告').count()).toBe(0);
  expect(await whereIs(ZHANG, '第三季度报告')).toEqual(['项目']);

  // Later he finds it again by a Chinese word of its body, in whatever folder it is.
  await zhang.getByRole('searchbox', { name: '搜索邮件' }).first().fill('审阅');
  await zhang.keyboard.press('Enter');
  await zhang.getByRole('heading', { name: '“审阅”的搜索结果' }).waitFor();
  // The report in 项目, and his reply in Sent (it quotes the report).
  const hits = () => zhang.locator('.list .row .row__subject').allTextContents();
  await expect.poll(async () => (await hits()).sort()).toEqual(['回复：第三季度报告', '第三季度报告']);
  const folderOf = async (subject: string) =>
    zhang
      .locator('.list .row')
      .filter({ has: zhang.locator('.row__subject', { hasText: new RegExp(`^${subject}$`) }) })
      .locator('.row__folder')
      .textContent();
  expect(await folderOf('第三季度报告')).toBe('项目');
  expect(await folderOf('回复：第三季度报告')).toBe('已发送');
  expect(await seriousViolations(zhang)).toEqual([]);
  await zhang.screenshot({ path: await artifactPath('webmail-day-search-zh-CN.png') });

  // An advertisement arrives: junk, then "not junk" takes it back to the inbox.
  const mx = nodemailer.createTransport({ host: '127.0.0.1', port: server.smtpPort, ignoreTLS: true });
  await mx.sendMail({ from: 'promo@shop.test', to: ZHANG, subject: '限时优惠', text: '全场五折。' });
  mx.close();
  await folder(zhang, '收件箱').click();
  await row(zhang, '限时优惠').waitFor({ timeout: 20_000 });
  await row(zhang, '限时优惠').getByRole('checkbox').check();
  await toolbar(zhang).getByRole('button', { name: '标记为垃圾邮件', exact: true }).click();
  await expect.poll(() => whereIs(ZHANG, '限时优惠')).toEqual(['Junk']);
  await folder(zhang, '垃圾邮件').click();
  await row(zhang, '限时优惠').getByRole('checkbox').check();
  await toolbar(zhang).getByRole('button', { name: '不是垃圾邮件' }).click();
  await expect.poll(() => whereIs(ZHANG, '限时优惠')).toEqual(['INBOX']);

  // He deletes the report by mistake and restores it from Trash.
  await folder(zhang, '项目').click();
  await row(zhang, '第三季度报告').getByRole('checkbox').check();
  await toolbar(zhang).getByRole('button', { name: '删除', exact: true }).click();
  await expect.poll(() => whereIs(ZHANG, '第三季度报告')).toEqual(['Trash']);
  await folder(zhang, '已删除').click();
  await row(zhang, '第三季度报告').getByRole('checkbox').check();
  await toolbar(zhang).getByRole('button', { name: '恢复' }).click();
  await expect.poll(() => whereIs(ZHANG, '第三季度报告')).toEqual(['INBOX']);
}, 240_000);
