import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JdMail } from '@jdmail/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './harness/ports.js';
import { type BlockResult, expectedOutputs, outputMatches, runReadme } from './harness/readme.js';
import { runCliResult, startServer, type TestServer } from './harness/server.js';
import { tempDirs } from './harness/tmp.js';
import { WebClient } from './harness/web-client.js';

// Every example's README, run as written (from the repository's root, as
// each says) on a fresh data directory; only the addresses the READMEs name
// become ones the test picked. Then the outputs they show are compared, and
// what the example did is checked on the server.

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const readmeOf = (example: string) => join(ROOT, 'examples', example, 'README.md');
type Replace = [string | RegExp, string][];

async function runExample(example: string, env: Record<string, string>, replace: Replace) {
  const path = readmeOf(example);
  const results = await runReadme(path, { cwd: ROOT, env, replace });
  for (const { expected, actual, line } of expectedOutputs(
    path,
    await readFile(path, 'utf8'),
    results,
    replace,
  )) {
    if (!outputMatches(expected, actual)) {
      expect(actual, `the output shown at ${example}/README.md:${line}`).toBe(expected);
    }
  }
  return results;
}

/** The README's commands against a server of their own, with the quick-start server's URL the test server's. */
function quickStartServer() {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.destroy());
  return {
    get server() {
      return server;
    },
    env: () => ({ JDMAIL_DATA_DIR: server.dataDir }),
    replace: (): Replace => [['http://localhost:8080', server.baseUrl]],
  };
}

describe('examples/unread-list', () => {
  const qs = quickStartServer();

  it('prints the unread count and latest unread messages, with a key and as an app', async () => {
    const [seedAndKey, asApp] = await runExample('unread-list', qs.env(), qs.replace());
    expect(seedAndKey?.stdout).toContain('alice@example.net: 2 unread');
    expect(asApp?.stdout).toContain('alice@example.net: 2 unread');
    // The app the README registered, restricted to example.net, is there.
    const apps = await runCliResult(['app', 'list'], qs.env());
    expect(apps.stdout).toMatch(/portal/);
  });
});

describe('examples/oa-notify', () => {
  const qs = quickStartServer();

  it('mails the outcome with its PDF once, however often the step runs', async () => {
    const [run] = (await runExample('oa-notify', qs.env(), qs.replace())) as [BlockResult];
    const [first, second] = run.stdout.trim().split('\n');
    expect(first).toMatch(/^42: <[^>]+@[^>]+>$/);
    expect(second).toBe(first);

    const jd = new JdMail({ baseUrl: qs.server.baseUrl, token: qs.server.adminKey ?? '' });
    const inbox = await jd.mail.list('alice@example.net');
    const notices = inbox.items.filter((m) => m.subject === 'Leave request 42: approved');
    expect(notices).toHaveLength(1);
    const message = await jd.mail.get('alice@example.net', notices[0]?.id ?? '');
    expect(message.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['approval.pdf', 'application/pdf'],
    ]);
    expect(message.text).toContain('Open it in OA [https://oa.example.com/leave/42]');
    expect(message.headers.find((h) => h.name.toLowerCase() === 'reply-to')?.value).toBe('hr@example.net');
  });
});

describe('examples/portal-sso', () => {
  const qs = quickStartServer();

  it('hands a signed-in employee a login link into their webmail that works once', async () => {
    const port = await freePort();
    const replace: Replace = [
      ...qs.replace(),
      ['127.0.0.1:3000', `127.0.0.1:${port}`],
      ['PORT=3000', `PORT=${port}`],
    ];
    const results = await runExample('portal-sso', qs.env(), replace);
    const link = results.at(-1)?.stdout.trim() ?? '';
    expect(link.startsWith(`${qs.server.baseUrl}/auth/link/`)).toBe(true);
    // The README made the link with curl; a browser follows it once.
    const browser = new WebClient();
    const landed = await browser.get(link);
    expect(landed.location).toBe(`${qs.server.baseUrl}/`);
    const session = await browser.get(`${qs.server.baseUrl}/auth/session`);
    expect(session.json<{ user: { address: string } }>().user.address).toBe('alice@example.net');
    expect((await new WebClient().get(link)).location).toBe(`${qs.server.baseUrl}/login?error=link_invalid`);
  });
});

describe('examples/ldap', () => {
  const dirs = tempDirs();
  afterAll(() => dirs.removeAll());

  it('syncs the example directory, and Alice signs in with her directory password', async () => {
    const dir = await dirs.make('jdmail-example-ldap-');
    const http = await freePort();
    const imap = await freePort();
    const replace: Replace = [
      ['JDMAIL_DATA_DIR=$(mktemp -d)', `JDMAIL_DATA_DIR=${join(dir, 'data')}`],
      ['JDMAIL_HTTP_PORT=8081', `JDMAIL_HTTP_PORT=${http}`],
      ['JDMAIL_SMTP_PORT=2526', 'JDMAIL_SMTP_PORT=0'],
      ['JDMAIL_SUBMISSION_PORT=2588', 'JDMAIL_SUBMISSION_PORT=0'],
      [
        'JDMAIL_POP3_PORT=2111 JDMAIL_POP3S_PORT=2996 JDMAIL_IMAP_PORT=2144 JDMAIL_IMAPS_PORT=2994',
        `JDMAIL_POP3_PORT=0 JDMAIL_POP3S_PORT=0 JDMAIL_IMAP_PORT=${imap} JDMAIL_IMAPS_PORT=0`,
      ],
      ['localhost:8081', `127.0.0.1:${http}`],
      ['localhost:2144', `127.0.0.1:${imap}`],
      ['/tmp/test-directory.log', join(dir, 'test-directory.log')],
      ['/tmp/jdmail-ldap.log', join(dir, 'jdmail.log')],
    ];
    const results = await runExample('ldap', { JDMAIL_HOST: '127.0.0.1' }, replace);
    // The README's output already showed the tree; here its members too, as the API counts them.
    const tree = JSON.parse(results.at(-2)?.stdout ?? '') as { domain: string; items: { name: string }[] };
    expect(tree.domain).toBe('example.com');
    expect(tree.items.map((d) => d.name)).toEqual(['Engineering', 'Sales']);
  });

  it('active-directory.json is a valid configuration', async () => {
    // There is no domain controller here to reach: the config loads (a bad setting would exit 78)
    // and the sync stops at the first thing it needs from the directory's domain.
    const ad = await runCliResult(['ldap', 'sync', '--dry-run'], {
      JDMAIL_CONFIG: join(ROOT, 'examples/ldap/active-directory.json'),
      JDMAIL_DATA_DIR: join(await dirs.make('jdmail-example-ad-'), 'data'),
      AD_BIND_PASSWORD: 'not-a-real-one',
    });
    expect(ad.code).toBe(1);
    expect(ad.stdout).toContain('error: domain corp.example of directory source ad is not a local domain');
  });
});
