import { readFile } from 'node:fs/promises';
import { JdMail } from '@jdmail/sdk';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './harness/axe.js';
import { artifactPath, DESKTOP, launchChromium, newContext, PHONE } from './harness/browser.js';
import { startServer, type TestServer } from './harness/server.js';

// Composing in the webmail, in a real Chromium against the real server, in the Chinese UI: a
// recipient picked from the address book by pinyin initials, an attachment by the file picker
// (uploaded with progress), sent; the recipient sees and downloads it, replies, replies to all,
// forwards; a draft saved by itself is there again after a reload. Screenshots in both
// languages at desktop and phone sizes; axe finds nothing serious.

let server: TestServer;
let browser: Browser;
let jd: JdMail;
const contexts: BrowserContext[] = [];
const FILE = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 31 + (i >> 7)) & 0xff));

/** A page signed in as `address` (by a one-click login link, whatever the UI language), at `path`. */
async function pageAs(
  address: string,
  path: string,
  options: { locale?: string; viewport?: { width: number; height: number } } = {},
): Promise<Page> {
  const context = await newContext(browser, {
    locale: options.locale ?? 'zh-CN',
    viewport: options.viewport ?? DESKTOP,
    isMobile: options.viewport === PHONE,
  });
  contexts.push(context);
  const page = await context.newPage();
  const { url } = await jd.sso.createLoginLink(address, { redirect: path });
  await page.goto(url);
  await page.waitForURL((u) => `${u.pathname}${u.search}`.startsWith(path.split('?')[0] as string));
  return page;
}

const newest = async (address: string, subject: string) => {
  for (let i = 0; i < 50; i++) {
    const found = (await jd.mail.list(address, { mailbox: 'INBOX' })).items.find(
      (m) => m.subject === subject,
    );
    if (found) return found;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${address} has no "${subject}"`);
};

async function pickRecipient(page: Page, field: string, typed: string, option: RegExp): Promise<void> {
  const input = page.getByRole('combobox', { name: field, exact: true });
  await input.fill(typed);
  await page.getByRole('option', { name: option }).waitFor();
  await input.press('ArrowDown');
  await input.press('Enter');
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
  await jd.domains.create('corp.test');
  await jd.users.create({ address: 'wang@corp.test', password: 'wang-password', displayName: '王小明' });
  await jd.users.create({ address: 'zhang@corp.test', password: 'zhang-password', displayName: '张三' });
  await jd.users.create({ address: 'li@corp.test', password: 'li-password', displayName: '李四' });
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.destroy();
});

describe('composing in the webmail', () => {
  it('sends with an address-book recipient and an attachment; the recipient downloads it and replies', async () => {
    const page = await pageAs('wang@corp.test', '/compose');
    await page.getByRole('heading', { name: '写信' }).waitFor();
    await pickRecipient(page, '收件人', 'zs', /张三/);
    await page.getByRole('list', { name: '收件人' }).getByText('张三').waitFor();
    await page.getByRole('button', { name: '抄送/密送' }).click();
    await pickRecipient(page, '抄送', 'lisi', /李四/);
    // Backspace in the empty field removes the last chip; pick again.
    await page.getByRole('combobox', { name: '抄送', exact: true }).press('Backspace');
    expect(await page.getByRole('list', { name: '抄送' }).locator('li').count()).toBe(0);
    await pickRecipient(page, '抄送', 'ls', /李四/);
    await page.getByLabel('主题').fill('季度报告');
    await page.locator('.editor__content').click();
    await page.keyboard.type('请查收附件。');
    await page.getByRole('button', { name: '加粗' }).click();
    await page.keyboard.type('重要');
    await page
      .getByTestId('attach-input')
      .setInputFiles({ name: '报告.pdf', mimeType: 'application/pdf', buffer: FILE });
    await page.locator('.upload--ready', { hasText: '报告.pdf' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: await artifactPath('compose-new-zh-CN.png') });
    await page.getByRole('button', { name: '发送', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/');

    const got = await newest('zhang@corp.test', '季度报告');
    const detail = await jd.mail.get('zhang@corp.test', got.id);
    expect(detail.cc.map((a) => a.address)).toEqual(['li@corp.test']);
    expect(detail.html).toContain('<strong>重要</strong>');

    const reader = await pageAs('zhang@corp.test', `/m/${got.id}`);
    const link = reader.getByRole('link', { name: /报告\.pdf/ });
    const [download] = await Promise.all([reader.waitForEvent('download'), link.click()]);
    expect((await readFile(await download.path())).equals(FILE)).toBe(true);

    await reader.getByRole('link', { name: '回复', exact: true }).click();
    await reader.getByRole('heading', { name: '回复' }).waitFor();
    expect(await reader.getByLabel('主题').inputValue()).toBe('回复：季度报告');
    await reader.getByRole('list', { name: '收件人' }).getByText('王小明').waitFor();
    await reader.locator('.editor__content blockquote').getByText('请查收附件').waitFor();
    await reader.locator('.editor__content').press('Control+Home');
    await reader.keyboard.type('收到，谢谢！');
    await reader.screenshot({ path: await artifactPath('compose-reply-zh-CN.png') });
    await reader.getByRole('button', { name: '发送', exact: true }).click();
    await reader.waitForURL((u) => u.pathname === '/');
    const reply = await jd.mail.get('wang@corp.test', (await newest('wang@corp.test', '回复：季度报告')).id);
    expect(reply.inReplyTo).toBe(detail.messageId);
    expect(reply.references).toEqual([detail.messageId]);
    expect(reply.text).toContain('收到，谢谢！');
  });

  it('replies to all and forwards inline and as an attachment', async () => {
    const got = await newest('zhang@corp.test', '季度报告');
    const page = await pageAs('zhang@corp.test', `/compose?mode=replyAll&of=${encodeURIComponent(got.id)}`);
    await page.getByRole('heading', { name: '全部回复' }).waitFor();
    await page.getByRole('list', { name: '收件人' }).getByText('王小明').waitFor();
    // The user is left out; the other recipient goes to Cc.
    expect(await page.getByRole('list', { name: '抄送' }).textContent()).toContain('李四');
    expect(await page.getByRole('list', { name: '收件人' }).textContent()).not.toContain('张三');

    await page.goto(`${server.baseUrl}/m/${encodeURIComponent(got.id)}`);
    await page.getByRole('link', { name: '转发', exact: true }).click();
    await page.getByRole('heading', { name: '转发' }).waitFor();
    expect(await page.getByLabel('主题').inputValue()).toBe('转发：季度报告');
    await page.locator('.upload--ready', { hasText: '报告.pdf' }).waitFor();
    await pickRecipient(page, '收件人', 'ls', /李四/);
    await page.getByRole('button', { name: '发送', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/');
    const fwd = await jd.mail.get('li@corp.test', (await newest('li@corp.test', '转发：季度报告')).id);
    expect(fwd.attachments.map((a) => [a.filename, a.size])).toEqual([['报告.pdf', FILE.length]]);
    expect(fwd.text).toContain('转发的邮件');

    await page.goto(`${server.baseUrl}/compose?mode=forwardAttachment&of=${encodeURIComponent(got.id)}`);
    await page.locator('.upload--ready', { hasText: '季度报告.eml' }).waitFor();
    await pickRecipient(page, '收件人', 'wxm', /王小明/);
    await page.getByRole('button', { name: '发送', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/');
    const asFile = await jd.mail.get('wang@corp.test', (await newest('wang@corp.test', '转发：季度报告')).id);
    expect(asFile.attachments.map((a) => a.contentType)).toEqual(['message/rfc822']);
  });

  it('saves a draft by itself and restores it, attachment included, after a reload', async () => {
    const page = await pageAs('wang@corp.test', '/compose');
    await pickRecipient(page, '收件人', 'zhangsan', /张三/);
    await page.getByLabel('主题').fill('未完成的草稿');
    await page.locator('.editor__content').click();
    await page.keyboard.type('写到一半');
    await page
      .getByTestId('attach-input')
      .setInputFiles({ name: '附件.txt', mimeType: 'text/plain', buffer: Buffer.from('draft file') });
    await page.locator('.upload--ready', { hasText: '附件.txt' }).waitFor();
    await page
      .getByTestId('draft-status')
      .getByText(/已于 .+ 保存/)
      .waitFor({ timeout: 20_000 });
    expect(new URL(page.url()).searchParams.get('draft')).toBeTruthy();
    await page.reload();
    await page.getByRole('heading', { name: '草稿' }).waitFor();
    expect(await page.getByLabel('主题').inputValue()).toBe('未完成的草稿');
    await page.getByRole('list', { name: '收件人' }).getByText('张三').waitFor();
    await page.locator('.editor__content').getByText('写到一半').waitFor();
    await page.locator('.upload--ready', { hasText: '附件.txt' }).waitFor();
    const drafts = (await jd.mail.list('wang@corp.test', { mailbox: 'Drafts' })).items;
    expect(drafts.map((d) => d.subject)).toEqual(['未完成的草稿']);
    // Sending it removes the draft.
    await page.getByRole('button', { name: '发送', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/');
    expect((await jd.mail.list('wang@corp.test', { mailbox: 'Drafts' })).items).toEqual([]);
    const sent = await jd.mail.get('zhang@corp.test', (await newest('zhang@corp.test', '未完成的草稿')).id);
    expect(sent.attachments.map((a) => a.filename)).toEqual(['附件.txt']);
  });

  it('writes the signature from the settings into a new message, under the line the user writes on', async () => {
    await jd.settings.update('li@corp.test', {
      signature: { text: '李四\n销售部', html: '<p><b>李四</b></p><p>销售部</p>' },
    });
    const page = await pageAs('li@corp.test', '/compose');
    // The editor shows bold as <strong> (TipTap's schema), whatever tag the saved signature used.
    await page.locator('.editor__content strong').getByText('李四').waitFor();
    await page.locator('.editor__content').getByText('销售部').waitFor();
    const to = page.getByRole('combobox', { name: '收件人', exact: true });
    await to.fill('zhang@corp.test');
    await to.press('Enter');
    await page.getByLabel('主题').fill('带签名的邮件');
    await page.locator('.editor__content').press('Control+Home');
    await page.keyboard.type('正文第一行');
    await page.getByRole('button', { name: '发送', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/');
    const got = await jd.mail.get('zhang@corp.test', (await newest('zhang@corp.test', '带签名的邮件')).id);
    // The editor keeps no trailing space in a paragraph, so rich text carries "--" (plain text keeps "-- ").
    expect(got.html).toMatch(/正文第一行[\s\S]*--[\s\S]*<(b|strong)>李四<\/(b|strong)>[\s\S]*销售部/);
    expect(got.text).toMatch(/^正文第一行\s+--\s*\n[\s\S]*李四/);
  });

  it('says clearly when a recipient is refused and keeps the text', async () => {
    const page = await pageAs('wang@corp.test', '/compose');
    const to = page.getByRole('combobox', { name: '收件人', exact: true });
    await to.fill('nobody@corp.test');
    await to.press('Enter');
    await page.getByLabel('主题').fill('不会发出');
    await page.getByRole('button', { name: '发送', exact: true }).click();
    await page
      .getByRole('alert')
      .getByText(/邮件未发送/)
      .waitFor();
    expect(await page.getByLabel('主题').inputValue()).toBe('不会发出');
  });

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`lays out the compose screen in ${locale} at desktop and phone sizes`, async () => {
      for (const [size, viewport] of [
        ['', DESKTOP],
        ['-phone', PHONE],
      ] as const) {
        const page = await pageAs('li@corp.test', '/compose', {
          locale: locale === 'en' ? 'en-US' : 'zh-CN',
          viewport,
        });
        await page.getByRole('heading', { name: locale === 'en' ? 'New message' : '写信' }).waitFor();
        await page
          .getByRole('combobox', { name: locale === 'en' ? 'To' : '收件人', exact: true })
          .fill(locale === 'en' ? 'wang' : 'wxm');
        await page.getByRole('listbox').getByRole('option').first().waitFor();
        expect(await seriousViolations(page)).toEqual([]);
        const overflow = await page.evaluate('document.documentElement.scrollWidth > window.innerWidth');
        expect(overflow).toBe(false);
        if (!(locale === 'zh-CN' && size === ''))
          await page.screenshot({ path: await artifactPath(`compose-new${size}-${locale}.png`) });
      }
    });
  }
});
