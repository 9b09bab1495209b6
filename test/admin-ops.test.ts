import { JdMail } from '@jdmail/sdk';
import nodemailer from 'nodemailer';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './harness/axe.js';
import { artifactPath, DESKTOP, launchChromium, newContext } from './harness/browser.js';
import { companyLdif, people } from './harness/directory-fixture.js';
import { startServer, type TestServer } from './harness/server.js';
import { type Slapd, startSlapd } from './harness/slapd.js';

// The admin console's operations pages in Chromium against the real server:
// a system admin signs in through the webmail login, makes an API key (shown
// once), sees its last use after using it, rotates it, revokes it (only once
// the confirmation is typed), and finds those actions, with themselves as the
// operator, in the audit log. Then every operations page is opened in English
// and Chinese: a screenshot of each (1280×800) and no serious axe violation.

const PAGES = ['api-keys', 'apps', 'directory', 'sso', 'queue', 'quarantine', 'rules', 'webhooks', 'audit'];

let server: TestServer;
let browser: Browser;
let jd: JdMail;
let slapd: Slapd;
const SUFFIX = 'dc=a,dc=test';

async function signIn(page: Page, path: string): Promise<void> {
  await page.goto(`${server.baseUrl}${path}`);
  await page.waitForURL(/\/login/);
  await page.locator('input[autocomplete="username"]').fill('sysop@a.test');
  await page.locator('input[type="password"]').fill('sysop-password');
  await page.locator('button[type="submit"]').click();
  await page.waitForURL((url) => url.pathname.startsWith('/admin'));
}

/** Waits until the page has loaded what it shows (no list or panel still busy). */
async function settled(page: Page): Promise<void> {
  await page.locator('h1').first().waitFor();
  await page.waitForLoadState('networkidle');
  await expect.poll(() => page.locator('[aria-busy="true"]').count(), { timeout: 15_000 }).toBe(0);
}

/** A finished dry run of the directory source. */
async function previewRun() {
  const run = await jd.directory.startSync({ dryRun: true });
  return jd.directory.waitForSync(run.id, { intervalMs: 200, timeoutMs: 30_000 });
}

/** A message for `to` held by a personal rule that quarantines everything, sent in over the MX. */
async function quarantineOne(to: string): Promise<void> {
  const rules = [{ name: 'hold all', when: { size: { over: 0 } }, actions: [{ action: 'quarantine' }] }];
  const put = await fetch(`${server.baseUrl}/api/v1/users/${to}/rules`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ rules }),
  });
  expect(put.status).toBe(200);
  const t = nodemailer.createTransport({
    host: '127.0.0.1',
    port: server.smtpPort,
    secure: false,
    ignoreTLS: true,
  });
  try {
    await t.sendMail({
      envelope: { from: 'offers@outside.example', to: [to] },
      raw: `From: offers@outside.example\r\nTo: ${to}\r\nSubject: Cheap watches\r\n\r\nBuy now\r\n`,
    });
  } finally {
    t.close();
  }
}

beforeAll(async () => {
  slapd = await startSlapd({ suffix: SUFFIX });
  await slapd.add(companyLdif(SUFFIX, people(5, 'a.test')));
  [server, browser] = await Promise.all([
    startServer({
      env: {
        // Outbound mail waits in the queue: the relay is a closed port.
        JDMAIL_OUTBOUND_RELAY_HOST: '127.0.0.1',
        JDMAIL_OUTBOUND_RELAY_PORT: '1',
        JDMAIL_OUTBOUND_RELAY_REQUIRE_TLS: 'false',
        JDMAIL_WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true',
        JDMAIL_LDAP_SYNC_INTERVAL_SECONDS: '0',
        JDMAIL_SSO_OIDC: JSON.stringify([
          {
            id: 'corp',
            name: 'Corp IdP',
            issuer: 'http://127.0.0.1:9/realms/corp',
            clientId: 'jdmail',
            clientSecret: 's',
          },
        ]),
        JDMAIL_LDAP_SOURCES: JSON.stringify([
          {
            name: 'corp',
            url: slapd.url,
            bindDn: `cn=jdmail,ou=services,${SUFFIX}`,
            bindPassword: 'service-secret',
            baseDn: SUFFIX,
            userBaseDns: [`ou=people,${SUFFIX}`],
            groupBaseDns: [`ou=groups,${SUFFIX}`],
            domain: 'a.test',
          },
        ]),
      },
    }),
    launchChromium(),
  ]);
  jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
  await jd.domains.create('a.test');
  await jd.users.create({
    address: 'sysop@a.test',
    password: 'sysop-password',
    role: 'admin',
    displayName: 'Sysop',
  });
  await jd.users.create({ address: 'alice@a.test', password: 'alice-password', displayName: '王小丽' });
  await jd.apps.create({ name: 'OA system', scopes: ['users:read', 'mail:read'], domain: 'a.test' });
  await jd.webhooks.create({
    url: 'http://127.0.0.1:9/hooks/jdmail',
    description: 'ERP',
    eventTypes: ['message.new'],
  });
  await jd.mail.send('alice@a.test', {
    to: ['partner@remote.example'],
    subject: 'Quarterly report',
    text: 'hi',
  });
  await quarantineOne('alice@a.test');
  await jd.filter.replaceRules([
    {
      name: 'no .exe from outside',
      when: { all: [{ direction: 'inbound' }, { attachment: { name: { endsWith: '.exe' } } }] },
      actions: [{ action: 'reject', text: 'Executables are not accepted' }],
    },
  ]);
});
afterAll(async () => {
  await browser?.close();
  await server?.destroy();
  await slapd?.stop();
});

describe('admin console operations pages', () => {
  it('makes an API key shown once, shows its last use, rotates it, revokes it after confirmation; the audit log shows it', async () => {
    const context = await newContext(browser, { viewport: DESKTOP });
    const page = await context.newPage();
    await signIn(page, '/admin/api-keys');
    await settled(page);

    await page.getByRole('button', { name: 'New API key' }).click();
    const create = page.getByRole('dialog', { name: 'New API key' });
    await create.getByLabel('Name').fill('portal');
    await create.getByLabel('Domain restriction').fill('a.test');
    await create.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByRole('dialog', { name: 'Key “portal” created' });
    await shown.waitFor();
    const key = await shown.getByLabel('API key').inputValue();
    expect(key).toMatch(/^jdk_/);
    await expect.poll(() => shown.getByRole('button', { name: 'Copy' }).isVisible()).toBe(true);
    await shown.getByRole('button', { name: 'I have copied it' }).click();
    const row = page.locator('tr', { hasText: 'portal' });
    await expect.poll(() => row.locator('[data-col="lastUsed"]').textContent()).toBe('Never');
    // The key is nowhere on the page once the dialog is closed.
    expect(await page.content()).not.toContain(key);

    const used = await fetch(`${server.baseUrl}/api/v1/users/alice@a.test`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(used.status).toBe(200);
    await page.reload();
    await settled(page);
    await expect.poll(() => row.locator('[data-col="lastUsed"]').textContent()).not.toBe('Never');

    await page.getByRole('button', { name: 'Rotate key portal' }).click();
    await page
      .getByRole('dialog', { name: 'Rotate “portal”?' })
      .getByRole('button', { name: 'Rotate' })
      .click();
    const rotated = page.getByRole('dialog', { name: 'New key for “portal”' });
    const successor = await rotated.getByLabel('API key').inputValue();
    expect(successor).toMatch(/^jdk_/);
    expect(successor).not.toBe(key);
    await rotated.getByRole('button', { name: 'I have copied it' }).click();
    // The old key is on its grace period; the new one is the one to revoke.
    await expect.poll(() => page.locator('tr', { hasText: 'portal' }).count()).toBe(2);
    const current = page
      .locator('tr', { hasText: 'portal' })
      .filter({ hasNot: page.locator('.console-pill--warn') });
    await current.getByRole('button', { name: 'Revoke key portal' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke “portal”?' });
    const revoke = confirm.getByRole('button', { name: 'Revoke' });
    expect(await revoke.isDisabled()).toBe(true);
    await confirm.getByRole('textbox').fill('portal');
    await revoke.click();
    await expect.poll(() => page.locator('tr', { hasText: 'portal' }).count()).toBe(1);
    const after = await fetch(`${server.baseUrl}/api/v1/users/alice@a.test`, {
      headers: { authorization: `Bearer ${successor}` },
    });
    expect(after.status).toBe(401);

    await page.goto(`${server.baseUrl}/admin/audit`);
    await settled(page);
    // Entries are written a moment after each answer: reload until the last one is there.
    await expect
      .poll(async () => {
        await page.reload();
        await settled(page);
        return page.locator('tr', { hasText: 'revokeApiKey' }).count();
      })
      .toBe(1);
    for (const [action, label] of [
      ['createApiKey', 'Make an API key'],
      ['rotateApiKey', 'Rotate an API key'],
      ['revokeApiKey', 'Revoke an API key'],
    ]) {
      const entry = page.locator('tr', { hasText: action });
      expect(await entry.count()).toBeGreaterThan(0);
      expect(await entry.first().locator('[data-col="actor"]').textContent()).toMatch(/^sysop@a\.test/);
      // The action in words, its operationId beside it.
      expect(await entry.first().locator('[data-col="action"]').textContent()).toContain(label);
    }
    await page.getByLabel('Operation').fill('revokeApiKey');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator('tbody tr [data-col="outcome"]').textContent()).toContain('204');
    expect(await page.content()).not.toContain(successor);
    await context.close();
  });

  it('previews a directory sync as a diff, then syncs for real, and both are in the history', async () => {
    const context = await newContext(browser, { viewport: DESKTOP });
    const page = await context.newPage();
    await signIn(page, '/admin/directory');
    await settled(page);
    await page.getByRole('button', { name: 'Preview changes' }).click();
    await page.waitForURL(/\/admin\/directory\/run\//);
    const report = page.locator('[data-report]');
    await report.waitFor({ timeout: 30_000 });
    expect(await page.getByRole('heading', { name: /Preview of “corp”/ }).textContent()).toContain(
      'Succeeded',
    );
    // Five people in the directory, none in jdmail yet: five users to create, listed by address.
    expect(await report.locator('li').count()).toBeGreaterThanOrEqual(5);
    expect(await report.textContent()).toContain('@a.test');
    expect(await seriousViolations(page)).toEqual([]);
    expect((await jd.users.list({ limit: 200 })).items.filter((u) => u.domain === 'a.test')).toHaveLength(2);

    await page.goto(`${server.baseUrl}/admin/directory`);
    await settled(page);
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page
      .getByRole('dialog', { name: 'Sync “corp” now?' })
      .getByRole('button', { name: 'Sync now' })
      .click();
    await page.locator('[data-report]').waitFor({ timeout: 30_000 });
    await expect
      .poll(async () => (await jd.users.list({ limit: 200 })).items.length, { timeout: 30_000 })
      .toBe(7);
    await page.goto(`${server.baseUrl}/admin/directory`);
    await settled(page);
    expect(await page.locator('tbody tr').count()).toBe(2);
    await context.close();
  });

  for (const locale of ['en', 'zh-CN'] as const) {
    it(`opens every operations page in ${locale}: screenshots, no serious axe violations`, async () => {
      const context: BrowserContext = await newContext(browser, { viewport: DESKTOP, locale });
      const page = await context.newPage();
      await signIn(page, '/admin/api-keys');
      for (const name of PAGES) {
        await page.goto(`${server.baseUrl}/admin/${name}`);
        await settled(page);
        expect(await page.locator('.console-state--error').count(), `${name} shows an error`).toBe(0);
        await page.screenshot({ path: await artifactPath(`admin-${name}-${locale}.png`) });
        expect(await seriousViolations(page), `${name} in ${locale}`).toEqual([]);
      }
      // The dry run's diff view (the preview made by the test above, or one made here when run alone).
      const runs = (await jd.directory.listSyncs({ limit: 50 })).items;
      const preview = runs.find((r) => r.dryRun && r.status === 'succeeded') ?? (await previewRun());
      await page.goto(`${server.baseUrl}/admin/directory/run/${preview.id}`);
      await page.locator('[data-report]').waitFor();
      await settled(page);
      await page.screenshot({ path: await artifactPath(`admin-directory-preview-${locale}.png`) });
      expect(await seriousViolations(page), `directory preview in ${locale}`).toEqual([]);
      // The pages show what the server has: the queued message, the held one, the sync preview, the provider.
      await page.goto(`${server.baseUrl}/admin/queue`);
      await settled(page);
      expect(await page.locator('tbody').textContent()).toContain('Quarterly report');
      await page.goto(`${server.baseUrl}/admin/quarantine`);
      await settled(page);
      expect(await page.locator('tbody').textContent()).toContain('Cheap watches');
      await context.close();
    });
  }
  it('edits the global rules (refusing broken JSON), tries them on a stored message, and acts on the queue and quarantine', async () => {
    const context = await newContext(browser, { viewport: DESKTOP });
    const page = await context.newPage();
    // A stored message to try the rules on (sent before they change where mail goes; alice's own rule holds hers).
    await jd.mail.send('sysop@a.test', { to: ['sysop@a.test'], subject: 'Weekly report', text: 'x' });
    const inbox = await jd.mail.list('sysop@a.test', { limit: 10 });
    const report = inbox.items.find((m) => m.subject === 'Weekly report');
    expect(report).toBeTruthy();
    await signIn(page, '/admin/rules');
    await settled(page);
    const editor = page.getByLabel('Global rules, in order (JSON)');
    expect(await editor.inputValue()).toContain('no .exe from outside');
    await editor.fill('{ "rules": [ ');
    await page.getByRole('button', { name: 'Save rules' }).click();
    await page.getByRole('alert').filter({ hasText: 'not a valid rule set' }).waitFor();
    const rules = [
      {
        name: 'Reports to Archive',
        when: { header: { name: 'Subject', contains: 'report' } },
        actions: [{ action: 'moveTo', folder: 'Archive' }],
      },
    ];
    await editor.fill(JSON.stringify({ rules }));
    await page.getByRole('button', { name: 'Save rules' }).click();
    await expect
      .poll(async () => (await jd.filter.rules()).rules.map((r) => r.name))
      .toEqual(['Reports to Archive']);
    await page.getByLabel('Mailbox (address)').fill('sysop@a.test');
    await page.getByLabel('Message ID').fill(report?.id ?? '');
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await expect.poll(() => page.locator('[data-test-result]').textContent()).toContain('Reports to Archive');

    await page.goto(`${server.baseUrl}/admin/quarantine`);
    await settled(page);
    await page.locator('tr', { hasText: 'Cheap watches' }).getByRole('button', { name: 'Release' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Release' }).click();
    await expect.poll(() => page.locator('tr', { hasText: 'Cheap watches' }).count()).toBe(0);
    await expect
      .poll(async () =>
        (await jd.mail.list('alice@a.test', { limit: 50 })).items.some((m) => m.subject === 'Cheap watches'),
      )
      .toBe(true);

    await jd.mail.send('alice@a.test', { to: ['someone@remote.example'], subject: 'Never mind', text: 'x' });
    await page.goto(`${server.baseUrl}/admin/queue`);
    await settled(page);
    const queued = page.locator('tr', { hasText: 'Never mind' });
    await queued.getByRole('button', { name: /^Retry/ }).click();
    await page.locator('.console-toast', { hasText: 'tried again now' }).waitFor();
    await queued.getByRole('button', { name: /^Delete/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete from the queue?' });
    await dialog.getByLabel('Tell the sender (send a bounce)').uncheck();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => queued.count()).toBe(0);
    const left = await jd.queue.list({ limit: 50 });
    expect(left.items.map((e) => e.subject)).not.toContain('Never mind');
    await context.close();
  });
  it('registers an app (secret shown once), rotates and deletes it; makes a webhook, sends a test, reads its attempts', async () => {
    const context = await newContext(browser, { viewport: DESKTOP });
    const page = await context.newPage();
    await signIn(page, '/admin/apps');
    await settled(page);
    await page.getByRole('button', { name: 'New app' }).click();
    const create = page.getByRole('dialog', { name: 'New app' });
    await create.getByLabel('Name').fill('Portal');
    await create.getByLabel('Domain restriction').fill('a.test');
    await create.getByRole('button', { name: 'Register app' }).click();
    const shown = page.getByRole('dialog', { name: 'App “Portal” registered' });
    const clientId = await shown.getByLabel('Client ID').inputValue();
    const secret = await shown.getByLabel('Client secret').inputValue();
    await shown.getByRole('button', { name: 'I have copied it' }).click();
    const token = async (s: string) =>
      (
        await fetch(`${server.baseUrl}/api/v1/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `grant_type=client_credentials&client_id=${clientId}&client_secret=${s}`,
        })
      ).status;
    expect(await token(secret)).toBe(200);
    await page.reload();
    await settled(page);
    const row = page.locator('tr', { hasText: 'Portal' });
    expect(await row.locator('[data-col="lastUsed"]').textContent()).not.toBe('Never');
    await row.getByRole('button', { name: 'Rotate secret of Portal' }).click();
    await page
      .getByRole('dialog', { name: 'Rotate the secret of “Portal”?' })
      .getByRole('button', { name: 'Rotate secret' })
      .click();
    const rotated = page.getByRole('dialog', { name: 'New secret for “Portal”' });
    const next = await rotated.getByLabel('Client secret').inputValue();
    await rotated.getByRole('button', { name: 'I have copied it' }).click();
    expect(await token(secret)).toBe(401);
    expect(await token(next)).toBe(200);
    await row.getByRole('button', { name: 'Delete app Portal' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete “Portal”?' });
    await confirm.getByRole('textbox').fill('Portal');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => row.count()).toBe(0);

    await page.goto(`${server.baseUrl}/admin/webhooks`);
    await settled(page);
    await page.getByRole('button', { name: 'New webhook' }).click();
    const hook = page.getByRole('dialog', { name: 'New webhook' });
    await hook.getByLabel('URL').fill('http://127.0.0.1:9/hooks/crm');
    await hook.getByLabel('Description').fill('CRM');
    await hook.getByRole('button', { name: 'Create endpoint' }).click();
    const signing = page.getByRole('dialog', { name: 'Webhook created: its signing secret' });
    expect(await signing.getByLabel('Signing secret').inputValue()).toMatch(/^whsec_/);
    await signing.getByRole('button', { name: 'I have copied it' }).click();
    const crm = page.locator('tr', { hasText: 'hooks/crm' });
    await crm.getByRole('button', { name: 'Send test' }).click();
    // Nothing listens on port 9: the test delivery fails, and says so.
    await page.locator('.console-toast--error', { hasText: 'test delivery failed' }).waitFor();
    await crm.getByRole('link', { name: 'Delivery attempts' }).click();
    await page.waitForURL(/\/admin\/webhooks\/.+/);
    await settled(page);
    expect(await page.getByRole('heading', { name: 'Delivery attempts' }).count()).toBe(1);
    await context.close();
  });
});
