import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config/index.js';
import { listenError, startServer } from './main.js';
import { createLogger } from './telemetry/index.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A port that is listened on until the test ends. */
async function squat(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => new Promise((r) => server.close(r)));
  return (server.address() as AddressInfo).port;
}

async function bindable(port: number): Promise<boolean> {
  const server = createServer();
  const ok = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (ok) await new Promise((r) => server.close(r));
  return ok;
}

describe('startServer', () => {
  it('fails with a ConfigError naming the port setting, after closing the listeners it had started', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'jdmail-main-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    // Two ports known to be free, for the SMTP listeners that start before the HTTP one.
    const [smtp, submission] = [await squat(), await squat()];
    for (const c of cleanups.splice(0)) await c();
    const taken = await squat();
    const config = loadConfig({
      env: {
        JDMAIL_DATA_DIR: dataDir,
        JDMAIL_HOST: '127.0.0.1',
        JDMAIL_SMTP_PORT: String(smtp),
        JDMAIL_SUBMISSION_PORT: String(submission),
        JDMAIL_HTTP_PORT: String(taken),
      },
    });
    const error = await startServer(config, createLogger({ level: 'silent' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      `httpPort: 127.0.0.1:${taken} is already in use; choose another port (JDMAIL_HTTP_PORT or --http-port), or 0 for a free one`,
    );
    expect(await bindable(smtp)).toBe(true);
    expect(await bindable(submission)).toBe(true);
  });
});

describe('listenError', () => {
  const err = (code: string) => Object.assign(new Error(code), { code });

  it('names the setting for a privileged port and the host for a foreign address', () => {
    expect(String(listenError(err('EACCES'), 'smtpPort', '0.0.0.0', 25))).toContain(
      'smtpPort: 0.0.0.0:25 needs privileges this process lacks',
    );
    expect(String(listenError(err('EADDRNOTAVAIL'), 'httpPort', '192.0.2.99', 8080))).toContain(
      'host: 192.0.2.99 is not an address of this machine; set another (JDMAIL_HOST or --host)',
    );
  });

  it('passes other errors through unchanged', () => {
    const other = err('EMFILE');
    expect(listenError(other, 'smtpPort', '0.0.0.0', 2525)).toBe(other);
  });
});
