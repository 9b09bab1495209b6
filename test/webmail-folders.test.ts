import { JdMail } from '@jdmail/sdk';
import nodemailer from 'nodemailer';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newContext } from './harness/browser.js';
import { startServer, type TestServer } from './harness/server.js';

// The webmail's folders, bulk actions, search, live updates and language, in a real Chromium
// against the real server: mail arrives over SMTP, the browser uses only the public REST API
// and the event stream, and every result is checked on the server through the SDK.

// Functions given to page.evaluate run in Chromium; this file is type-checked without the DOM library.
declare const document: { activeElement: unknown };

const ALICE = 'alice@example.com';
let server: TestServer;
let browser: Browser;
let jd: JdMail;

/** What a test message sets: subject, and optionally sender, text and attachments. */
interface TestMail {
  subject: string;
  from?: string;
  text?: string;
  attachments?: { filename: string; content: string }[];
}

async function send(mail: TestMail): Promise<void> {
  const mx = nodemailer.createTransport({ host: '127.0.0.1', port: server.smtpPort, ignoreTLS: true });
  try {
    await mx.sendMail({ from: 'colleague@partner.test', to: ALICE, text: 'Hello.', ...mail });
  } finally {
    mx.close();
  }
}

/** Where each subject is on the server now (mailbox name), read through the SDK. */
async function whereIs(subject: string): Promise<string[]> {
  const page = await jd.mail.search(ALICE, `subject:"${subject}"`, { limit: 50 });
  return page.items.filter((m) => m.subject === subject).map((m) => m.mailbox);
}

const mailboxNames = async () => (await jd.mail.mailboxes(ALICE)).map((m) => m.name).sort();

async function signIn(page: Page): Promise<void> {
  await page.goto(`${server.baseUrl}/login`);
  await page.getByLabel('E-mail address').fill(ALICE);
  await page.getByLabel('Password').fill('alice-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Inbox' }).waitFor();
}

const row = (page: Page, subject: string) => page.locator('.list .row', { hasText: subject });
const sidebar = (page: Page) => page.locator('nav#folders');
/** A sidebar folder: its name, then its unread count when it has one ("Trash 2 unread"). */
const folderLink = (page: Page, name: string) =>
  sidebar(page).getByRole('link', {
    name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`),
  });

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
  await jd.domains.create('example.com');
  await jd.users.create({ address: ALICE, password: 'alice-password' });
  for (const subject of ['Drag me', 'Keyboard me', 'Trash one', 'Trash two', 'Spammy offer'])
    await send({ subject });
  await send({ subject: '关于合同续签', text: '请看一下。' });
  await send({ from: '"赵经理" <zhao@partner.test>', subject: 'Meeting notes', text: 'Notes inside.' });
  await send({ subject: 'Weekly update', text: '本周完成了报价单，下周开始实施。' });
  await send({
    subject: 'Files for review',
    text: 'See attached.',
    attachments: [{ filename: '预算表.csv', content: 'a,b\n1,2\n' }],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.destroy();
});

describe('webmail folders, bulk actions, search, live updates, language', () => {
  it('creates, nests and renames folders; moves mail by drag-and-drop and by keyboard', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page);
    // The standard folders by their localized names; never the raw IMAP names of Junk/Trash.
    for (const name of ['Inbox', 'Sent', 'Drafts', 'Junk', 'Trash']) await folderLink(page, name).waitFor();

    await sidebar(page).getByRole('button', { name: 'New folder' }).click();
    await page.getByRole('dialog').getByLabel('Folder name').fill('项目');
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await folderLink(page, '项目').waitFor();

    await sidebar(page).getByRole('button', { name: 'Actions for 项目' }).click();
    await page.getByRole('menuitem', { name: 'New subfolder' }).click();
    await page.getByRole('dialog').getByLabel('Folder name').fill('2026');
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await folderLink(page, '2026').waitFor();
    expect(await mailboxNames()).toEqual(expect.arrayContaining(['项目', '项目/2026']));

    await sidebar(page).getByRole('button', { name: 'Actions for 2026' }).click();
    await page.getByRole('menuitem', { name: 'Rename' }).click();
    await page.getByRole('dialog').getByLabel('Folder name').fill('2026年');
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await folderLink(page, '2026年').waitFor();
    const names = await mailboxNames();
    expect(names).toContain('项目/2026年');
    expect(names).not.toContain('项目/2026');

    // Nest an existing folder under another (its menu's "Move to…"), then back to the top level.
    await sidebar(page).getByRole('button', { name: 'New folder' }).click();
    await page.getByRole('dialog').getByLabel('Folder name').fill('客户');
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await folderLink(page, '客户').waitFor();
    await sidebar(page).getByRole('button', { name: 'Actions for 客户' }).click();
    await page.getByRole('menuitem', { name: 'Move to…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '项目' }).click();
    await expect.poll(mailboxNames).toContain('项目/客户');
    expect(await mailboxNames()).not.toContain('客户');
    await sidebar(page).getByRole('button', { name: 'Actions for 客户' }).click();
    await page.getByRole('menuitem', { name: 'Delete folder' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete folder' }).click();
    await expect.poll(mailboxNames).not.toContain('项目/客户');

    // Drag a row onto a sidebar folder.
    await row(page, 'Drag me').dragTo(sidebar(page).locator('[data-folder="项目"]'));
    await expect.poll(() => row(page, 'Drag me').count()).toBe(0);
    expect(await whereIs('Drag me')).toEqual(['项目']);

    // The keyboard way, from a fresh page load with nothing focused: j focuses a row, x ticks it,
    // v opens "Move to…", the arrow/Tab keys reach a folder and Enter picks it.
    await page.reload();
    await row(page, 'Keyboard me').waitFor();
    await page.keyboard.press('j');
    while (
      !(await row(page, 'Keyboard me')
        .locator('a.row__link')
        .evaluate((a) => a === document.activeElement))
    )
      await page.keyboard.press('j');
    await page.keyboard.press('x');
    expect(await row(page, 'Keyboard me').getByRole('checkbox').isChecked()).toBe(true);
    await page.keyboard.press('v');
    const picker = page.getByRole('dialog');
    await picker.waitFor();
    await picker.getByRole('button', { name: '2026年' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => row(page, 'Keyboard me').count()).toBe(0);
    expect(await whereIs('Keyboard me')).toEqual(['项目/2026年']);
    // The folder lists it at /f/<name>.
    await folderLink(page, '2026年').click();
    await page.getByRole('heading', { name: '项目/2026年' }).waitFor();
    await row(page, 'Keyboard me').waitFor();
    await context.close();
  });

  it('deletes in bulk to Trash, restores, empties Trash with confirmation, junks and un-junks', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page);
    // Tick one, shift-click another: the range between is ticked (two adjacent rows here).
    await row(page, 'Trash two').getByRole('checkbox').click();
    await row(page, 'Trash one')
      .getByRole('checkbox')
      .click({ modifiers: ['Shift'] });
    expect(await page.locator('.list .row__check:checked').count()).toBe(2);
    await page.getByRole('toolbar').getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => row(page, 'Trash').count()).toBe(0);
    expect(await whereIs('Trash one')).toEqual(['Trash']);
    expect(await whereIs('Trash two')).toEqual(['Trash']);

    await folderLink(page, 'Trash').click();
    await page.getByRole('heading', { name: 'Trash' }).waitFor();
    await row(page, 'Trash one').getByRole('checkbox').click();
    await page.getByRole('toolbar').getByRole('button', { name: 'Restore' }).click();
    await expect.poll(() => row(page, 'Trash one').count()).toBe(0);
    expect(await whereIs('Trash one')).toEqual(['INBOX']);

    await page.getByRole('button', { name: 'Empty Trash' }).click();
    const confirm = page.getByRole('dialog');
    await confirm.getByText('cannot be undone').waitFor();
    // Cancel first: nothing is removed.
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await whereIs('Trash two')).toEqual(['Trash']);
    await page.getByRole('button', { name: 'Empty Trash' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Empty Trash' }).click();
    await page.getByText('This folder is empty.').waitFor();
    expect(await whereIs('Trash two')).toEqual([]);

    await folderLink(page, 'Inbox').click();
    await row(page, 'Spammy offer').getByRole('checkbox').click();
    await page.getByRole('toolbar').getByRole('button', { name: 'Junk', exact: true }).click();
    await expect.poll(() => row(page, 'Spammy offer').count()).toBe(0);
    expect(await whereIs('Spammy offer')).toEqual(['Junk']);
    await folderLink(page, 'Junk').click();
    await row(page, 'Spammy offer').getByRole('checkbox').click();
    await page.getByRole('toolbar').getByRole('button', { name: 'Not junk' }).click();
    await page.getByText('No junk.').waitFor();
    expect(await whereIs('Spammy offer')).toEqual(['INBOX']);
    await context.close();
  });

  it('searches in Chinese by subject, sender, body and attachment name, with a filter', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page);
    const search = async (q: string) => {
      await page.keyboard.press('/');
      await page.keyboard.insertText(q);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: `Results for “${q}”` }).waitFor();
      await page.locator('.pane__state, .list .row').first().waitFor();
    };
    const hits = () => page.locator('.list .row .row__subject').allTextContents();
    await page.locator('body').click({ position: { x: 600, y: 400 } });
    for (const [q, subject] of [
      ['合同', '关于合同续签'],
      ['赵经理', 'Meeting notes'],
      ['报价单', 'Weekly update'],
      ['预算表', 'Files for review'],
    ] as const) {
      await search(q);
      await expect.poll(hits).toEqual([subject]);
      // Each hit names its folder.
      expect(await page.locator('.list .row .row__folder').first().textContent()).toBe('Inbox');
      await page.getByRole('heading', { level: 1 }).focus();
    }
    // With a filter: only messages with an attachment.
    await page.getByRole('checkbox', { name: 'Has attachment' }).check();
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/attachment=1/);
    await expect.poll(hits).toEqual(['Files for review']);
    await page.getByLabel('Search mail', { exact: true }).last().fill('合同');
    // New mail arriving while the user types re-renders the screen (folder counts): the words stay.
    const badge = page.getByTestId('unread-count');
    const unread = Number((await badge.textContent())?.match(/\d+/)?.[0]);
    await send({ subject: 'Arrives while typing' });
    await badge.filter({ hasText: `${unread + 1} unread` }).waitFor();
    expect(await page.getByLabel('Search mail', { exact: true }).last().inputValue()).toBe('合同');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByText('No messages match.').waitFor();
    await context.close();
  });

  it('shows new mail and read state changed elsewhere without a reload', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page);
    const badge = page.getByTestId('unread-count');
    await badge.waitFor();
    const before = Number((await badge.textContent())?.match(/\d+/)?.[0]);
    await send({ subject: 'Live news', text: 'Arrived while you were looking.' });
    await row(page, 'Live news').waitFor({ timeout: 20_000 });
    await badge.filter({ hasText: `${before + 1} unread` }).waitFor();
    await expect.poll(() => page.title()).toContain(`(${before + 1})`);
    // Read elsewhere (another client, through the API): the row turns read, the count drops.
    const id = (await jd.mail.search(ALICE, 'subject:"Live news"')).items[0]?.id ?? '';
    await jd.mail.markRead(ALICE, id);
    await expect
      .poll(() => row(page, 'Live news').getAttribute('class'), { timeout: 20_000 })
      .not.toContain('row--unread');
    await badge.filter({ hasText: `${before} unread` }).waitFor();
    await context.close();
  });

  it('switches to 简体中文, which sets <html lang> and survives a reload', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page);
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('heading', { name: '收件箱' }).waitFor();
    await folderLink(page, '已删除').waitFor();
    await page.getByRole('button', { name: '退出' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.reload();
    await page.getByRole('heading', { name: '收件箱' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.getByLabel('语言').selectOption('en');
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    await context.close();
  });
});
