import { JdMail } from '@jdmail/sdk';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './harness/axe.js';
import { artifactPath, launchChromium, newContext, PHONE } from './harness/browser.js';
import { startServer, type TestServer } from './harness/server.js';

// The admin console (/admin) in a real Chromium against the real server: a
// system admin signs in through the webmail's login, creates a domain and a
// user, makes that user the domain's admin; the domain admin sees only their
// domain (and the API answers 404 for another's users); deleting a user needs
// its address typed; a group dragged onto another moves under it; a plain
// user is told they have no rights. Every page is screenshot in both
// languages and checked with axe-core.

let server: TestServer;
let browser: Browser;
let jd: JdMail;
const contexts: BrowserContext[] = [];

const ROOT = { address: 'root@example.com', password: 'root-password-1' };
const NEW_DOMAIN = 'newco.test';
const LI = { address: `li.lei@${NEW_DOMAIN}`, password: 'li-lei-password' };

async function open(locale: string, viewport?: { width: number; height: number }): Promise<Page> {
  const context = await newContext(browser, { locale, viewport });
  contexts.push(context);
  return context.newPage();
}

/** Opens /admin signed out: the console sends the browser to the webmail's login, which brings it back. */
async function signIn(page: Page, who: { address: string; password: string }, path = '/admin') {
  await page.goto(`${server.baseUrl}${path}`);
  await page.waitForURL((url) => url.pathname === '/login');
  expect(new URL(page.url()).searchParams.get('redirect')).toBe(path);
  await page.locator('#address').fill(who.address);
  await page.locator('#password').fill(who.password);
  await page.locator('form button[type="submit"]').click();
  await page.waitForURL((url) => url.pathname.startsWith('/admin'));
  await page.locator('.console, .console-norights').waitFor();
}

/** Goes to a console page by its navigation link (an in-app navigation, as a user would). */
async function nav(page: Page, id: string) {
  await page.locator(`.console-nav a[data-page="${id}"]`).click();
  await page.waitForFunction((p) => document.querySelector('.console')?.getAttribute('data-page') === p, id);
}

async function settled(page: Page) {
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
}

/** Screenshot + axe: every console page, in the page's current language. */
async function check(page: Page, name: string, locale: string) {
  await settled(page);
  // Toasts come and go; they are not part of the page.
  await page.waitForFunction(() => document.querySelectorAll('.console-toast').length === 0, undefined, {
    timeout: 15_000,
  });
  expect(await page.evaluate(() => document.documentElement.lang)).toBe(locale);
  await page.screenshot({ path: await artifactPath(`console-${name}-${locale}.png`), fullPage: true });
  expect(await seriousViolations(page), `${name} ${locale}`).toEqual([]);
}

declare const document: {
  querySelector(s: string): { getAttribute(n: string): string | null } | null;
  querySelectorAll(s: string): { length: number };
  documentElement: { lang: string; scrollWidth: number };
};

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
  await jd.domains.create('example.com');
  await jd.domains.create('other.org');
  await jd.users.create({ ...ROOT, displayName: 'Root Admin', role: 'admin' });
  await jd.users.create({ address: 'carol@other.org', password: 'carol-password', displayName: 'Carol' });
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.destroy();
});

describe('admin console', () => {
  it('lets a system admin create a domain and a user, and make the user its domain admin', async () => {
    const page = await open('zh-CN');
    await signIn(page, ROOT);
    await page.getByRole('heading', { level: 1, name: '仪表盘' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');

    await nav(page, 'domains');
    await page.getByRole('button', { name: '添加域名' }).click();
    await page.getByLabel('域名', { exact: true }).fill(NEW_DOMAIN);
    await page.getByRole('dialog').getByRole('button', { name: '添加', exact: true }).click();
    await page.getByTestId('domain-name').getByText(NEW_DOMAIN).waitFor();
    expect((await jd.domains.get(NEW_DOMAIN)).name).toBe(NEW_DOMAIN);

    await nav(page, 'users');
    await page.locator('.console-toolbar select').selectOption(NEW_DOMAIN);
    await page.waitForURL((url) => url.pathname === `/admin/users/${NEW_DOMAIN}`);
    await page.getByRole('button', { name: '新建用户' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('邮箱地址').fill('li.lei');
    await dialog.getByLabel('姓名').fill('李雷');
    await dialog.getByLabel('密码').fill(LI.password);
    await dialog.getByLabel(/配额/).fill('500');
    await check(page, 'create-user-dialog', 'zh-CN');
    await dialog.getByRole('button', { name: '创建用户' }).click();
    await page.locator(`tr[data-key="${LI.address}"]`).waitFor();
    const li = await jd.users.get(LI.address);
    expect(li).toMatchObject({ displayName: '李雷', quotaBytes: 500 * 1024 * 1024, role: 'user' });

    await nav(page, 'admins');
    await page.getByRole('button', { name: '授予管理员权限' }).click();
    await page.getByRole('dialog').getByLabel('用户', { exact: true }).fill(LI.address);
    await page.getByRole('dialog').getByLabel(NEW_DOMAIN).check();
    await page.getByRole('dialog').getByRole('button', { name: '授予' }).click();
    await page.locator(`tr[data-key="${LI.address}"]`).waitFor();
    expect(await jd.users.get(LI.address)).toMatchObject({
      role: 'domain_admin',
      adminDomains: [NEW_DOMAIN],
    });
  });

  it('asks for the user’s address before deleting them', async () => {
    await jd.users.create({ address: `temp@${NEW_DOMAIN}`, password: 'temp-password' });
    const page = await open('en-US');
    await signIn(page, ROOT, `/admin/users/${NEW_DOMAIN}`);
    const row = page.locator(`tr[data-key="temp@${NEW_DOMAIN}"]`);
    await row.getByRole('button', { name: `Delete temp@${NEW_DOMAIN}` }).click();
    const dialog = page.getByRole('dialog');
    const confirm = dialog.getByRole('button', { name: 'Delete user' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel(/Type temp@/).fill('temp');
    expect(await confirm.isDisabled()).toBe(true);
    await check(page, 'delete-user-dialog', 'en');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect((await jd.users.get(`temp@${NEW_DOMAIN}`)).address).toBe(`temp@${NEW_DOMAIN}`);

    await row.getByRole('button', { name: `Delete temp@${NEW_DOMAIN}` }).click();
    await dialog.getByLabel(/Type temp@/).fill(`temp@${NEW_DOMAIN}`);
    await confirm.click();
    await row.waitFor({ state: 'detached' });
    await expect(jd.users.get(`temp@${NEW_DOMAIN}`)).rejects.toMatchObject({ status: 404 });
  });

  it('moves a group dragged onto another under it, and back to the top with "Move to…"', async () => {
    const rd = await jd.groups.create({ domain: NEW_DOMAIN, name: '研发部', kind: 'department' });
    const qa = await jd.groups.create({ domain: NEW_DOMAIN, name: '测试组', kind: 'department' });
    await jd.groups.addMembers(rd.id, [LI.address]);
    const page = await open('en-US');
    await signIn(page, ROOT, `/admin/groups/${NEW_DOMAIN}`);
    await page.locator('[data-group-row="测试组"]').dragTo(page.locator('[data-group-row="研发部"]'));
    await page.locator('li[data-group="研发部"] li[data-group="测试组"]').waitFor();
    expect((await jd.groups.get(qa.id)).parentId).toBe(rd.id);

    // The keyboard way: select the group, "Move to…", choose the top level.
    await page.locator('li[data-group="测试组"] .console-tree__name').click();
    await page.getByTestId('group-panel').getByRole('button', { name: 'Move to…' }).click();
    await page.getByRole('dialog').getByLabel('New parent').selectOption({ label: '(Top level)' });
    await page.getByRole('dialog').getByRole('button', { name: 'Move', exact: true }).click();
    await page.locator('ul.console-tree > li[data-group="测试组"]').waitFor();
    expect((await jd.groups.get(qa.id)).parentId).toBeNull();
  });

  it('edits a user: name, quota, aliases, departments; disables, re-enables, resets the password, ends sessions', async () => {
    const HAN = `han.meimei@${NEW_DOMAIN}`;
    await jd.users.create({ address: HAN, password: 'han-password-1', displayName: 'Han' });
    const rd = (await jd.groups.tree(NEW_DOMAIN)).find((g) => g.name === '研发部');
    const page = await open('en-US');
    await signIn(page, ROOT, `/admin/users/${NEW_DOMAIN}/${HAN}`);
    await page.getByTestId('user-state').waitFor();
    await page.getByLabel('Display name').fill('韩梅梅');
    await page.getByLabel(/^Quota/).fill('1024');
    await page.getByLabel('Aliases').fill(`meimei@${NEW_DOMAIN}\nhmm@${NEW_DOMAIN}`);
    await page.getByRole('checkbox', { name: '研发部' }).check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('.console-toast', { hasText: 'saved' }).waitFor();
    const saved = await jd.users.get(HAN);
    expect(saved).toMatchObject({ displayName: '韩梅梅', quotaBytes: 1024 * 1024 * 1024 });
    expect([...saved.aliases].sort()).toEqual([`hmm@${NEW_DOMAIN}`, `meimei@${NEW_DOMAIN}`]);
    expect(saved.departments.map((d) => d.id)).toEqual([rd?.id]);

    await page.getByRole('button', { name: 'Disable', exact: true }).click();
    await page.getByTestId('user-state').getByText('Disabled').waitFor();
    expect((await jd.users.get(HAN)).enabled).toBe(false);
    await page.getByRole('button', { name: 'Enable', exact: true }).click();
    await page.getByTestId('user-state').getByText('Enabled').waitFor();
    expect((await jd.users.get(HAN)).enabled).toBe(true);

    await page.getByRole('button', { name: 'Reset password' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('New password').fill('short');
    await dialog.getByRole('button', { name: 'Reset password' }).click();
    await dialog.getByText('at least 8 characters').first().waitFor();
    await dialog.getByLabel('New password').fill('han-password-2');
    await dialog.getByRole('button', { name: 'Reset password' }).click();
    await dialog.waitFor({ state: 'detached' });
    const login = (password: string) =>
      fetch(`${server.baseUrl}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ address: HAN, password }),
      });
    const signedIn = await login('han-password-2');
    expect(signedIn.status).toBe(200);
    expect((await jd.sso.listSessions(HAN)).length).toBe(1);

    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await jd.sso.listSessions(HAN)).toEqual([]);
  });

  it('shows every page in both languages, at 1280×800 and the dashboard on a phone', async () => {
    const rd = (await jd.groups.tree(NEW_DOMAIN)).find((g) => g.name === '研发部');
    await jd.groups.create({
      domain: NEW_DOMAIN,
      name: '前端组',
      kind: 'department',
      parentId: rd?.id ?? null,
    });
    await jd.groups.create({ domain: NEW_DOMAIN, name: '全体员工', kind: 'group' });
    const page = await open('zh-CN');
    await signIn(page, ROOT);
    for (const locale of ['zh-CN', 'en']) {
      if (locale === 'en') {
        await page.locator('.console-lang select').selectOption('en');
        await page.waitForFunction(() => document.documentElement.lang === 'en');
      }
      await nav(page, 'dashboard');
      await check(page, 'dashboard', locale);
      await nav(page, 'domains');
      await check(page, 'domains', locale);
      await page.locator(`a[href="/admin/domains/${NEW_DOMAIN}"]`).click();
      await page.locator('.console-table--dns').waitFor({ timeout: 30_000 });
      await check(page, 'domain-dns', locale);
      await page.goto(`${server.baseUrl}/admin/users/${NEW_DOMAIN}`);
      await page.locator(`tr[data-key="${LI.address}"]`).waitFor();
      await check(page, 'users', locale);
      await page.locator(`tr[data-key="${LI.address}"] a`).first().click();
      await page.getByTestId('user-state').waitFor();
      await check(page, 'user', locale);
      await page.goto(`${server.baseUrl}/admin/groups/${NEW_DOMAIN}`);
      await page.locator('li[data-group="研发部"] > .console-tree__row .console-tree__name').click();
      await page.getByTestId('group-panel').locator('.console-members li').first().waitFor();
      await check(page, 'groups', locale);
      await nav(page, 'aliases');
      await check(page, 'aliases', locale);
      await nav(page, 'admins');
      await page.locator(`tr[data-key="${LI.address}"]`).waitFor();
      await check(page, 'admins', locale);
    }
    const phone = await open('zh-CN', PHONE);
    await signIn(phone, ROOT);
    await settled(phone);
    await phone.screenshot({ path: await artifactPath('console-dashboard-phone-zh-CN.png'), fullPage: true });
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    expect(await seriousViolations(phone)).toEqual([]);
    // On a phone the navigation is a menu behind a button; choosing a page closes it.
    const menu = phone.getByRole('button', { name: '菜单' });
    expect(await phone.locator('.console-nav a[data-page="users"]').isVisible()).toBe(false);
    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await phone.screenshot({ path: await artifactPath('console-menu-phone-zh-CN.png'), fullPage: true });
    expect(await seriousViolations(phone)).toEqual([]);
    await nav(phone, 'users');
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    await phone.locator(`tr[data-key="${ROOT.address}"]`).waitFor();
    await phone.screenshot({ path: await artifactPath('console-users-phone-zh-CN.png'), fullPage: true });
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  });

  it('shows a domain admin only their domain, and the API hides the others', async () => {
    const page = await open('en-US');
    await signIn(page, LI, `/admin/users`);
    await page.locator(`tr[data-key="${LI.address}"]`).waitFor();
    expect(await page.locator('.console-toolbar select option').allTextContents()).toEqual([NEW_DOMAIN]);
    expect(await page.locator('.console-role').textContent()).toBe('Domain administrator');
    expect(await page.getByText('carol@other.org').count()).toBe(0);
    await nav(page, 'domains');
    await page.locator('.console-table tbody tr').first().waitFor();
    expect(await page.locator('.console-table tbody tr').evaluateAll((rows) => rows.length)).toBe(1);
    expect(await page.getByRole('button', { name: 'Add domain' }).count()).toBe(0);
    // Another domain's objects through the same API calls the console makes, with this session.
    const status = (url: string) => page.evaluate(async (u) => (await fetch(u)).status, url);
    expect(await status('/api/v1/users/carol%40other.org')).toBe(404);
    expect(await status('/api/v1/domains/other.org/groups')).toBe(404);
    expect(await status('/api/v1/users?domain=other.org')).toBe(404);
    expect(await status('/api/v1/domains/other.org/dns')).toBe(404);
    const otherGroup = await jd.groups.create({ domain: 'other.org', name: 'Other team', kind: 'group' });
    expect(await status(`/api/v1/groups/${otherGroup.id}`)).toBe(404);
    // A change, sent as the console sends it (session cookie + X-CSRF-Token): also 404, and nothing changes.
    const patched = await page.evaluate(async () => {
      const { csrfToken } = (await (await fetch('/auth/session')).json()) as { csrfToken: string };
      const res = await fetch('/api/v1/users/carol%40other.org', {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
        body: JSON.stringify({ displayName: 'Taken over' }),
      });
      return res.status;
    });
    expect(patched).toBe(404);
    expect((await jd.users.get('carol@other.org')).displayName).toBe('Carol');
    // And the console says so when the URL names it.
    await page.goto(`${server.baseUrl}/admin/users/other.org`);
    await page
      .getByRole('alert')
      .getByText(/Not found/)
      .waitFor();
    await check(page, 'domain-admin-users', 'en');

    // A session that ends mid-use (signed out everywhere by an admin) leads to the login page and back.
    await jd.sso.revokeSessions(LI.address);
    await page.locator('.console-nav a[data-page="groups"]').click();
    await page.waitForURL((url) => url.pathname === '/login');
    const back = new URL(page.url()).searchParams;
    expect(back.get('error')).toBe('session_expired');
    expect(back.get('redirect')).toBe('/admin/groups');
    await page.locator('#address').fill(LI.address);
    await page.locator('#password').fill(LI.password);
    await page.locator('form button[type="submit"]').click();
    // Back where they were (the console then picks their one domain); generous: sign-in hashes a password.
    await page
      .locator('li[data-group="研发部"]')
      .waitFor({ timeout: 60_000 })
      .catch(async (e: Error) => {
        throw new Error(`${e.message}\nat ${page.url()}: ${await page.locator('body').textContent()}`);
      });
    expect(new URL(page.url()).pathname).toBe(`/admin/groups/${NEW_DOMAIN}`);

    // Signing out ends the session: the API no longer answers this browser.
    await page.locator('.console-top__account').getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    expect(await status('/api/v1/domains')).toBe(401);
  });

  it('tells a user without admin rights so, with a way to the webmail', async () => {
    const page = await open('zh-CN');
    await signIn(page, { address: 'carol@other.org', password: 'carol-password' });
    await page.getByRole('heading', { name: '您没有管理员权限' }).waitFor();
    expect(await page.getByRole('link', { name: '进入网页邮箱' }).getAttribute('href')).toBe('/');
    await check(page, 'no-rights', 'zh-CN');
  });
});
