import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The README's Java verifier, compiled and run as written, against
// signatures made by the `standardwebhooks` package (what jdmail signs with).
const run = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

const MAIN = `
import java.nio.charset.StandardCharsets;
public final class Main {
  public static void main(String[] a) throws Exception {
    System.out.print(JdmailWebhook.verify(a[0], a[1], a[2], a[3], a[4].getBytes(StandardCharsets.UTF_8)));
  }
}
`;

describe('the README’s Java webhook verifier', () => {
  let dir: string;
  beforeAll(async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const java = /```java\n([\s\S]*?)```/.exec(readme)?.[1];
    if (!java) throw new Error('no java block in README.md');
    dir = await mkdtemp(join(tmpdir(), 'jdmail-java-'));
    await writeFile(join(dir, 'JdmailWebhook.java'), java);
    await writeFile(join(dir, 'Main.java'), MAIN);
    await run('javac', ['-d', dir, join(dir, 'JdmailWebhook.java'), join(dir, 'Main.java')]);
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const OLD = 'whsec_9dOJ7M1pfRH5iaV6xTyxnkaz8Y4QMNFj';
  const body = JSON.stringify({
    specversion: '1.0',
    id: '01936f3e-aaaa',
    type: 'message.new',
    data: { subject: '你好' },
  });
  const verify = async (secret: string, id: string, ts: string, sig: string, payload: string) =>
    (await run('java', ['-cp', dir, 'Main', secret, id, ts, sig, payload])).stdout;

  it('accepts what standardwebhooks signs (either signature of a rotation) and refuses changes', async () => {
    const at = new Date();
    const ts = String(Math.floor(at.getTime() / 1000));
    const sig = `${new Webhook(SECRET).sign('ev1', at, body)} ${new Webhook(OLD).sign('ev1', at, body)}`;
    expect(await verify(SECRET, 'ev1', ts, sig, body)).toBe('true');
    expect(await verify(OLD, 'ev1', ts, sig, body)).toBe('true');
    expect(await verify(SECRET, 'ev1', ts, sig, body.replace('你好', 'hi'))).toBe('false');
    expect(await verify(SECRET, 'ev2', ts, sig, body)).toBe('false');
    expect(await verify('whsec_c2VjcmV0LXRoYXQtaXMtbm90LXRoZS1lbmRwb2ludHM=', 'ev1', ts, sig, body)).toBe(
      'false',
    );
    const stale = new Date(at.getTime() - 600_000);
    const staleSig = new Webhook(SECRET).sign('ev1', stale, body);
    expect(await verify(SECRET, 'ev1', String(Math.floor(stale.getTime() / 1000)), staleSig, body)).toBe(
      'false',
    );
  }, 60_000);
});
