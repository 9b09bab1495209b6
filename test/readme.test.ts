import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedOutputs, outputMatches, parseReadme, runReadme } from './harness/readme.js';
import { startServer, type TestServer } from './harness/server.js';

// The README's quick start, run as written against a server started as its
// first command starts one; the ports are the test server's.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const README = join(ROOT, 'README.md');

describe('README quick start', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.destroy());

  it('every shell block is run here or says why not', async () => {
    const blocks = parseReadme(await readFile(README, 'utf8'));
    expect(blocks.filter((b) => b.kind === 'run').length).toBeGreaterThanOrEqual(2);
    for (const b of blocks.filter((x) => x.kind === 'not-run')) expect(b.reason?.length).toBeGreaterThan(10);
  });

  it('makes a domain and a user, takes a message over SMTP, shows it unread, and reads it over IMAP', async () => {
    const replace: [string, string][] = [
      ['http://localhost:8080', server.baseUrl],
      ['smtp://localhost:2525', `smtp://127.0.0.1:${server.smtpPort}`],
      ['imap://localhost:2143', `imap://127.0.0.1:${server.imapPort}`],
    ];
    const results = await runReadme(README, { cwd: ROOT, env: { JDMAIL_DATA_DIR: server.dataDir }, replace });
    const pairs = expectedOutputs(README, await readFile(README, 'utf8'), results, replace);
    expect(pairs).toHaveLength(3);
    for (const { expected, actual, line } of pairs) {
      if (!outputMatches(expected, actual))
        expect(actual, `the output shown at README.md:${line}`).toBe(expected);
    }
  });
});
