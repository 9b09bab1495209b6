import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JdMail } from '@jdmail/sdk';
import nodemailer from 'nodemailer';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, launchChromium, newContext } from './harness/browser.js';
import { freePort } from './harness/ports.js';
import { startServer, type TestServer } from './harness/server.js';

// The portal example (examples/portal-widget) in Chromium, as an employee
// meets it: the portal's home page shows <jdmail-inbox> with the unread
// count and newest messages; mail delivered over SMTP appears without a
// reload; a click opens the message in webmail, signed in. The same page
// served from another origin gets nothing, and an expired token is renewed
// by the page (or, without renewal, the widget says so). Screenshots in
// test/artifacts/: light and dark, en and zh-CN.

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

// Functions given to page.evaluate run in Chromium; this file is type-checked without the DOM library.
interface DomElement {
  tagName: string;
  textContent: string | null;
  shadowRoot: { activeElement: DomElement | null } | null;
}
interface ExpiryEvent {
  detail: { reason: string };
  stopImmediatePropagation(): void;
}
declare const document: { activeElement: DomElement | null; querySelector(s: string): DomElement | null };
declare const window: {
  opener: unknown;
  addEventListener(type: string, listener: (e: ExpiryEvent) => void, capture: boolean): void;
};
declare function getComputedStyle(e: unknown): { outlineStyle: string; backgroundColor: string };

let server: TestServer;
let browser: Browser;
let admin: JdMail;
let portalProcess: ChildProcess;
let portal: string;
let app: { clientId: string; clientSecret: string };

const smtpSend = async (subject: string, from = 'Carol Chen <carol@partner.test>') => {
  const smtp = nodemailer.createTransport({
    host: '127.0.0.1',
    port: server.smtpPort,
    secure: false,
    tls: { rejectUnauthorized: false },
  });
  await smtp.sendMail({ from, to: 'alice@example.com', subject, text: `${subject}.` });
  smtp.close();
};

/** Starts the example as its README says, on a free port; resolves once it listens. */
async function startPortal(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'examples/portal-widget/server.mjs')], {
    env: {
      ...process.env,
      JDMAIL_URL: server.baseUrl,
      JDMAIL_CLIENT_ID: app.clientId,
      JDMAIL_CLIENT_SECRET: app.clientSecret,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('portal listening')) resolve();
    });
    child.once('exit', (c) => reject(new Error(`portal exited with ${c}`)));
  });
  return child;
}

/** A signed-in employee on the portal's home page (`query`: lang, theme). */
async function openPortal(context: BrowserContext, origin = portal, query = ''): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${origin}/demo-login?user=alice@example.com`);
  if (query) await page.goto(`${origin}/${query}`);
  return page;
}

const widget = (page: Page) => page.locator('jdmail-inbox');
const items = (page: Page): Locator => widget(page).getByRole('listitem');

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
  admin = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
  await admin.domains.create('example.com');
  await admin.users.create({
    address: 'alice@example.com',
    password: 'alice-password',
    displayName: 'Alice',
  });
  await smtpSend('Welcome aboard', 'HR <hr@example.com>');
  await smtpSend('Lunch on Friday?', 'Bob Li <bob@partner.test>');
  await smtpSend('季度报告', '王芳 <wang@partner.test>');
  const port = await freePort();
  portal = `http://127.0.0.1:${port}`;
  const made = await admin.apps.create({
    name: 'intranet portal',
    scopes: ['widget:issue', 'sso:issue'],
    domain: 'example.com',
    allowedOrigins: [portal],
  });
  app = { clientId: made.app.clientId, clientSecret: made.clientSecret };
  portalProcess = await startPortal(port);
}, 120_000);

afterAll(async () => {
  portalProcess?.kill();
  await browser?.close();
  await server?.destroy();
});

describe('<jdmail-inbox> on the example portal', () => {
  it('shows the unread count and the newest messages, as an accessible list (en, light)', async () => {
    const context = await newContext(browser, { viewport: { width: 480, height: 460 } });
    const page = await openPortal(context);
    await expect.poll(() => widget(page).locator('.count').textContent()).toBe('3 unread');
    const list = widget(page).getByRole('list', { name: 'Latest messages' });
    await list.waitFor();
    expect(await items(page).count()).toBe(3);
    const first = items(page).first().getByRole('button');
    expect(await first.textContent()).toContain('季度报告');
    expect(await first.textContent()).toContain('Unread: ');
    expect(await first.textContent()).toContain('王芳');
    // The script is served as JavaScript, cached, and loadable from any page.
    const script = await fetch(`${server.baseUrl}/widget/jdmail-inbox.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toContain('max-age=86400');
    expect(script.headers.get('access-control-allow-origin')).toBe('*');

    // Keyboard: Tab reaches the list, arrows move along it, focus is visible.
    // (A Tab pressed before the headless page has keyboard focus lands nowhere: press until it arrives.)
    await expect
      .poll(async () => {
        await page.keyboard.press('Tab');
        return page.evaluate(() => document.activeElement?.tagName);
      })
      .toBe('JDMAIL-INBOX');
    await page.keyboard.press('ArrowDown');
    const focused = () =>
      page.evaluate(
        () => document.querySelector('jdmail-inbox')?.shadowRoot?.activeElement?.textContent ?? '',
      );
    expect(await focused()).toContain('Lunch on Friday?');
    const outline = await page.evaluate(
      () => getComputedStyle(document.querySelector('jdmail-inbox')?.shadowRoot?.activeElement).outlineStyle,
    );
    expect(outline).toBe('solid');
    await page.screenshot({ path: await artifactPath('widget-en-light.png') });
    await context.close();
  });

  it('shows a message delivered over SMTP without a reload, over the event stream', async () => {
    const context = await newContext(browser);
    const streams: { url: string; authorization: string | undefined }[] = [];
    context.on('request', (r) => {
      if (r.url().includes('/api/v1/events/stream') && r.method() === 'GET')
        streams.push({ url: r.url(), authorization: r.headers().authorization });
    });
    const page = await openPortal(context);
    await expect.poll(() => items(page).count()).toBe(3);
    await page.evaluate(() => {
      (window as unknown as { stayed: boolean }).stayed = true;
    });
    await smtpSend('Server room keys');
    // Live: well before the 15 s a widget polls at when the server has no stream.
    await expect
      .poll(() => items(page).first().textContent(), { timeout: 10_000, interval: 100 })
      .toContain('Server room keys');
    expect(await widget(page).locator('.count').textContent()).toBe('4 unread');
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    // The token travels in the Authorization header, never in the stream's URL.
    expect(streams.length).toBeGreaterThan(0);
    expect(streams[0]?.authorization).toMatch(/^Bearer eyJ/);
    expect(streams[0]?.url).not.toMatch(/token|eyJ/);
    await context.close();
  });

  it('opens a clicked message in webmail, signed in, on that message', async () => {
    const context = await newContext(browser);
    const page = await openPortal(context);
    const target = items(page).filter({ hasText: 'Lunch on Friday?' }).getByRole('button');
    await target.waitFor();
    const popup = page.waitForEvent('popup');
    await target.click();
    const webmail = await popup;
    await webmail.waitForURL(new RegExp(`^${server.baseUrl}/m/[^/?]+$`));
    await webmail.getByRole('heading', { name: 'Lunch on Friday?' }).waitFor();
    await webmail.locator('.message__body', { hasText: 'Lunch on Friday?.' }).waitFor();
    await webmail.locator('.topbar__user', { hasText: 'alice' }).waitFor();
    // The portal page cannot reach into the webmail window.
    expect(await webmail.evaluate(() => window.opener)).toBeNull();
    await context.close();
  });

  it('follows the page’s language and the dark theme (zh-CN, en)', async () => {
    const context = await newContext(browser, { viewport: { width: 480, height: 460 } });
    const zh = await openPortal(context, portal, '?lang=zh-CN&theme=dark');
    await expect.poll(() => widget(zh).locator('.count').textContent()).toMatch(/^\d+ 封未读$/);
    await widget(zh).getByRole('list', { name: '最新邮件' }).waitFor();
    expect(await widget(zh).locator('h2').textContent()).toBe('邮件');
    const background = await widget(zh).evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(background).toBe('rgb(13, 17, 23)');
    await zh.screenshot({ path: await artifactPath('widget-zh-CN-dark.png') });

    const zhLight = await openPortal(context, portal, '?lang=zh-CN');
    await expect.poll(() => widget(zhLight).locator('.count').textContent()).toMatch(/封未读$/);
    await zhLight.screenshot({ path: await artifactPath('widget-zh-CN-light.png') });

    // No attribute: the system's preference decides.
    const en = await openPortal(context);
    await en.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => widget(en).locator('.count').textContent()).toMatch(/unread$/);
    expect(await widget(en).evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(13, 17, 23)');
    await en.screenshot({ path: await artifactPath('widget-en-dark.png') });
    await context.close();
  });

  it('shows nothing on a page of another origin', async () => {
    const context = await newContext(browser, { viewport: { width: 480, height: 300 } });
    // The same portal by another name: http://localhost:PORT is another origin than 127.0.0.1:PORT.
    const page = await openPortal(context, portal.replace('127.0.0.1', 'localhost'));
    await widget(page).getByText('Mail could not be loaded; retrying.').waitFor();
    expect(await items(page).count()).toBe(0);
    await page.screenshot({ path: await artifactPath('widget-other-origin.png') });
    await context.close();
  });

  it('asks the page for a new token before it expires, and says so when none comes', async () => {
    const context = await newContext(browser);
    const jd = new JdMail({ baseUrl: server.baseUrl, ...app });
    const page = await openPortal(context);
    await expect.poll(() => items(page).count()).toBeGreaterThan(0);
    // A token of 6 s: `token-expired` (expiring) comes at once; the portal's listener renews it.
    const short = (await jd.widgetTokens.create('alice@example.com', { ttlSeconds: 6 })).token;
    await widget(page).evaluate((el, t) => el.setAttribute('token', t), short);
    await expect.poll(() => widget(page).getAttribute('token'), { timeout: 10_000 }).not.toBe(short);
    await new Promise((r) => setTimeout(r, 6_500));
    await smtpSend('After the renewal');
    await expect
      .poll(() => items(page).first().textContent(), { timeout: 30_000, interval: 250 })
      .toContain('After the renewal');

    // Without a listener that renews (stopped before it), the widget says the session expired.
    await page.evaluate(() => {
      const w = window as unknown as { reasons: string[] };
      w.reasons = [];
      window.addEventListener(
        'token-expired',
        (e) => {
          w.reasons.push(e.detail.reason);
          e.stopImmediatePropagation();
        },
        true,
      );
    });
    const lapsing = (await jd.widgetTokens.create('alice@example.com', { ttlSeconds: 5 })).token;
    await widget(page).evaluate((el, t) => el.setAttribute('token', t), lapsing);
    await widget(page).getByText('The mail session expired.').waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => (window as unknown as { reasons: string[] }).reasons)).toEqual([
      'expiring',
      'expired',
    ]);
    await context.close();
  });
});
