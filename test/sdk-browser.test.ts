import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JdMail } from '@jdmail/sdk';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './harness/browser.js';
import { type Portal, startPortal } from './harness/portal.js';
import { packSdk, run } from './harness/sdk-pack.js';
import { startServer, type TestServer } from './harness/server.js';

// The SDK as published, in a real Chromium: the ESM file of the `npm pack`
// tarball, loaded by an intranet portal's page that calls the API on its own
// origin with a short-lived app token. This is what catches a Node-only API
// or a browser-only bug (an unbound `fetch`) that the Node tests cannot see.

type Sdk = typeof import('@jdmail/sdk');
// Functions given to page.evaluate run in Chromium, where the portal's page has put the SDK module
// it loaded on `window`; they can use nothing of this file but types. (This file is type-checked
// without the DOM library, and a literal `import()` in them would be rewritten by vitest.)
declare const window: { jdmailSdk: Sdk };
declare const location: { origin: string };

/**
 * A short-lived app token, fetched as a portal's backend would (client credentials grant): the
 * page gets only this, never an API key or the app's secret.
 */
async function appToken(baseUrl: string, clientId: string, clientSecret: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  });
  if (!res.ok) throw new Error(`token request: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

describe('@jdmail/sdk as packed, in Chromium', () => {
  let work: string;
  let server: TestServer;
  let portal: Portal;
  let browser: Browser;
  let page: Page;
  /**
   * Uncaught errors and console errors of the page: a browser-only failure shows here. Chromium's
   * own "Failed to load resource" lines are left out: the tests ask for 404s and 429s on purpose.
   */
  const pageErrors: string[] = [];
  let token: string;
  let address: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'jdmail-sdk-browser-'));
    await run('tar', ['-xzf', await packSdk(work)], { cwd: work });
    [server, browser] = await Promise.all([startServer(), launchChromium()]);
    // The ESM file exactly as the tarball ships it, served by the portal as a web app would.
    portal = await startPortal(join(work, 'package/dist/index.js'), server.baseUrl);

    // The portal's backend: provisions with its API key and registers the portal as an app.
    const domain = `browser${Date.now()}.test`;
    address = `ana@${domain}`;
    const admin = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
    await admin.domains.create(domain);
    await admin.users.create({ address, password: 'browser-password-1', displayName: 'Ana' });
    await admin.mail.send(address, { to: [address], subject: 'Sent for a browser', text: 'Hello ☃' });
    const app = await admin.apps.create({ name: 'Portal', scopes: ['mail:read', 'mail:write'], domain });
    token = await appToken(server.baseUrl, app.app.clientId, app.clientSecret);

    page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
    });
    await page.goto(`${portal.origin}/`);
    await page.waitForFunction(() => 'jdmailSdk' in window);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await portal?.close();
    await server?.destroy();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("shows a user's unread mail, opens a message and marks it read", async () => {
    const result = await page.evaluate(
      async ({ token, address }) => {
        const { JdMail } = window.jdmailSdk;
        const jd = new JdMail({ baseUrl: location.origin, token });
        const before = await jd.mail.unreadCount(address);
        const subjects: string[] = [];
        let id = '';
        for await (const m of jd.mail.listUnread(address, { limit: 1 })) {
          subjects.push(m.subject);
          id = m.id;
        }
        const message = await jd.mail.get(address, id);
        const raw = new TextDecoder().decode(await jd.mail.raw(address, id));
        await jd.mail.markRead(address, id);
        const after = await jd.mail.unreadCount(address);
        const counts = await jd.mail.unreadCounts([address.toUpperCase()]);
        return { before, after, subjects, text: message.text, raw, counts };
      },
      { token, address },
    );
    expect(result.before).toEqual({ unread: 1, total: 1 });
    expect(result.subjects).toEqual(['Sent for a browser']);
    expect(result.text?.trim()).toBe('Hello ☃');
    expect(result.raw).toMatch(/^Subject: Sent for a browser\r$/m);
    expect(result.after).toEqual({ unread: 0, total: 1 });
    expect(result.counts).toEqual({ [address]: 0 });
    expect(pageErrors).toEqual([]);
  });

  it("throws typed errors: an unknown user, a call outside the token's scopes", async () => {
    const result = await page.evaluate(
      async ({ token, address }) => {
        const { JdMail, JdMailError, NotFoundError } = window.jdmailSdk;
        const jd = new JdMail({ baseUrl: location.origin, token });
        const failure = async (call: () => PromiseLike<unknown>) => {
          try {
            await call();
            return 'no error';
          } catch (e) {
            if (!(e instanceof JdMailError)) return `not a JdMailError: ${String(e)}`;
            return `${e.name} ${e.status} ${e.code} notFound=${e instanceof NotFoundError}`;
          }
        };
        return {
          unknown: await failure(() => jd.mail.unreadCount(address.replace('ana@', 'nobody@'))),
          outOfScope: await failure(() => jd.users.list()),
        };
      },
      { token, address },
    );
    expect(result.unknown).toBe('NotFoundError 404 USER_NOT_FOUND notFound=true');
    expect(result.outOfScope).toBe('PermissionError 403 INSUFFICIENT_SCOPE notFound=false');
    expect(pageErrors).toEqual([]);
  });

  it("waits as Retry-After says on a 429 and then succeeds, with the browser's own timers", async () => {
    portal.rateLimitNext(1);
    const seen = portal.apiRequests.length;
    const result = await page.evaluate(
      async ({ token, address }) => {
        const { JdMail } = window.jdmailSdk;
        const jd = new JdMail({ baseUrl: location.origin, token });
        const started = performance.now();
        const count = await jd.mail.unreadCount(address);
        return { count, waitedMs: performance.now() - started };
      },
      { token, address },
    );
    expect(result.count).toEqual({ unread: 0, total: 1 });
    expect(result.waitedMs).toBeGreaterThanOrEqual(950);
    const path = `/api/v1/users/${encodeURIComponent(address)}/unread-count`;
    expect(portal.apiRequests.slice(seen)).toEqual([`GET ${path}`, `GET ${path}`]);
    expect(pageErrors).toEqual([]);
  });
});
