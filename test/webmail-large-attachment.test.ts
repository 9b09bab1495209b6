import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, openAsBlob } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JdMail } from '@jdmail/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './harness/server.js';

// A 100 MB attachment through the webmail's path (the session cookie and CSRF token, a streamed
// upload, a send by upload id), received and downloaded intact, while the server's resident
// memory is sampled from /proc/<pid>/status. A server that held the file, its base64 or the
// composed message in memory would grow by 100–400 MB; streamed, it grows by its buffers only.

const MiB = 1024 * 1024;
const SIZE = 100 * MiB;
// Base64 makes 100 MiB about 137 MiB on the wire (4/3, plus CRLF every 76 characters).
const LIMIT = 160 * MiB;
// The bound on growth over the idle server's RSS: below one whole copy of the composed message
// (its base64, 137 MiB), so holding the message in memory anywhere on the way fails — and holding
// it once usually means twice (the message and the decoded file, ≥ 237 MiB). Streaming still grows
// RSS: stream buffers, the MIME parser's chunks, the SQLite page cache, and chunks already read
// but not yet collected (V8 collects external Buffer memory only past a soft limit of 64 MB since
// the last full collection, and malloc keeps freed arenas): measured 62 MiB alone, 66 MiB with the
// two cores busy, 124 MiB once with another test file running beside it — so the file runs ALONE
// (vitest.config.ts).
const MAX_GROWTH = 130 * MiB;

let server: TestServer;
let dir: string;
let file: string;
let sha: string;

/** The server's pid, from its first log line (pino writes it on every line). */
function serverPid(s: TestServer): number {
  for (const line of s.output) {
    const m = /"pid":(\d+)/.exec(line);
    if (m) return Number(m[1]);
  }
  throw new Error('no pid in the server log');
}

async function rss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status);
  return Number(kb?.[1] ?? 0) * 1024;
}

/** Samples `pid`'s RSS every 100 ms until stopped; resolves the largest seen. */
function sampleRss(pid: number) {
  let max = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      max = Math.max(max, await rss(pid));
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
    return max;
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jdmail-large-'));
  file = join(dir, 'big.bin');
  // Random bytes (no compression or repetition could hide a copy), hashed as written.
  const hash = createHash('sha256');
  const out = createWriteStream(file);
  for (let written = 0; written < SIZE; written += MiB) {
    const chunk = randomBytes(MiB);
    hash.update(chunk);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  sha = hash.digest('hex');
  server = await startServer({ env: { JDMAIL_SMTP_MAX_MESSAGE_SIZE: String(LIMIT) } });
  const jd = new JdMail({ baseUrl: server.baseUrl, token: server.adminKey ?? '' });
  await jd.domains.create('large.test');
  await jd.users.create({ address: 'alice@large.test', password: 'alice-password' });
  await jd.users.create({ address: 'bob@large.test', password: 'bob-password' });
}, 120_000);
afterAll(async () => {
  await server?.destroy();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a 100 MB attachment', () => {
  it('is uploaded with the session, sent, received and downloaded intact with bounded server memory', async () => {
    const base = server.baseUrl;
    const login = await fetch(`${base}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ address: 'alice@large.test', password: 'alice-password' }),
    });
    expect(login.status).toBe(200);
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const session = { cookie, 'x-csrf-token': csrfToken };

    const pid = serverPid(server);
    const idle = await rss(pid);
    const stop = sampleRss(pid);

    const upload = await fetch(
      `${base}/api/v1/users/alice@large.test/uploads?name=${encodeURIComponent('大文件.bin')}`,
      {
        method: 'POST',
        headers: { ...session, 'content-type': 'application/octet-stream' },
        body: await openAsBlob(file),
      },
    );
    expect(upload.status).toBe(201);
    const up = (await upload.json()) as { id: string; size: number };
    expect(up.size).toBe(SIZE);

    const sent = await fetch(`${base}/api/v1/users/alice@large.test/send`, {
      method: 'POST',
      headers: { ...session, 'content-type': 'application/json' },
      body: JSON.stringify({
        to: ['bob@large.test'],
        subject: '大附件',
        text: '100 MB',
        attachments: [{ uploadId: up.id }],
      }),
    });
    expect(sent.status).toBe(201);

    const bob = new JdMail({ baseUrl: base, token: server.adminKey ?? '' });
    const [message] = (await bob.mail.list('bob@large.test', { mailbox: 'INBOX' })).items;
    const detail = await bob.mail.get('bob@large.test', message?.id ?? '');
    expect(detail.attachments.map((a) => [a.filename, a.size])).toEqual([['大文件.bin', SIZE]]);
    const download = await fetch(
      `${base}/api/v1/users/bob@large.test/messages/${detail.id}/attachments/${detail.attachments[0]?.id}`,
      { headers: { authorization: `Bearer ${server.adminKey}` } },
    );
    expect(download.status).toBe(200);
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of download.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      bytes += chunk.length;
    }
    const peak = await stop();
    expect(bytes).toBe(SIZE);
    expect(hash.digest('hex')).toBe(sha);
    console.log(`server RSS: idle ${Math.round(idle / MiB)} MiB, peak ${Math.round(peak / MiB)} MiB`);
    expect(peak - idle).toBeLessThan(MAX_GROWTH);
  }, 300_000);
});
