import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, runCli, startServer } from './harness/server.js';

const dirs: string[] = [];
async function tempDir() {
  const d = await mkdtemp(join(tmpdir(), 'jdmail-cli-'));
  dirs.push(d);
  return d;
}
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('jdmail CLI', () => {
  it('start initialises a fresh data dir and prints the admin key once', async () => {
    const dataDir = await tempDir();
    const first = await startServer({ dataDir });
    expect(first.adminKey).toMatch(/^jdk_/);
    expect(first.output.join('\n')).toContain('shown once');
    const health = await fetch(`${first.baseUrl}/readyz`);
    expect(health.status).toBe(200);
    expect(await first.stop()).toBe(0);
    const second = await startServer({ dataDir });
    expect(second.adminKey).toBeUndefined();
    const res = await fetch(`${second.baseUrl}/api/v1/domains`, {
      headers: { authorization: `Bearer ${first.adminKey}` },
    });
    expect(res.status).toBe(200);
    expect(await second.stop()).toBe(0);
  });

  it('manages domains, users and API keys, printing only the key', async () => {
    const env = { JDMAIL_DATA_DIR: await tempDir() };
    expect(await runCli(['domain', 'add', 'Corp.Example'], env)).toBe('added corp.example\n');
    expect(await runCli(['domain', 'list'], env)).toBe('corp.example\n');
    await runCli(
      ['user', 'add', 'ann@corp.example', '--password-stdin', '--name', 'Ann Lee'],
      env,
      's3cret-pass\n',
    );
    await runCli(['user', 'add', 'bo@corp.example'], env);
    expect(await runCli(['user', 'disable', 'bo@corp.example'], env)).toBe('disabled bo@corp.example\n');
    const list = await runCli(['user', 'list', '--domain', 'corp.example'], env);
    expect(list.split('\n').filter(Boolean)).toEqual([
      'ann@corp.example\tenabled\tuser\tAnn Lee',
      'bo@corp.example\tdisabled\tuser\t',
    ]);
    const key = await runCli(
      [
        'apikey',
        'create',
        '--name',
        'portal',
        '--scopes',
        'mail:read,users:read',
        '--domain',
        'corp.example',
      ],
      env,
    );
    expect(key).toMatch(/^jdk_[A-Za-z0-9_-]{43}\n$/);
    await expect(runCli(['domain', 'add', 'corp.example'], env)).rejects.toThrow(
      /already exists \(DOMAIN_EXISTS\)/,
    );
    await expect(runCli(['apikey', 'create', '--name', 'x', '--scopes', 'root'], env)).rejects.toThrow(
      /unknown scope "root"/,
    );
  });

  it('exits quietly when the reader of its output goes away (`| head`)', async () => {
    const env = { JDMAIL_DATA_DIR: await tempDir() };
    await runCli(['domain', 'add', 'corp.example'], env);
    // `true` has exited long before the CLI writes: every write meets a closed pipe (EPIPE).
    const { stderr, code } = await new Promise<{ stderr: string; code: number | null }>((resolve) => {
      const child = spawn(
        'bash',
        ['-c', `set -o pipefail; "${process.execPath}" "${CLI}" domain list | true`],
        {
          env: { ...process.env, ...env },
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      let err = '';
      child.stderr.on('data', (c) => {
        err += c;
      });
      child.on('close', (c) => resolve({ stderr: err, code: c }));
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('sets a password: the new one signs in, the old one no longer does', async () => {
    const dataDir = await tempDir();
    const env = { JDMAIL_DATA_DIR: dataDir };
    await runCli(['domain', 'add', 'corp.example'], env);
    await runCli(['user', 'add', 'ann@corp.example', '--password-stdin'], env, 'first-pass-1\n');
    expect(
      await runCli(['user', 'passwd', 'Ann@Corp.Example', '--password-stdin'], env, 'second-pass-2\n'),
    ).toBe('password set for ann@corp.example\n');
    await expect(runCli(['user', 'passwd', 'ann@corp.example'], env)).rejects.toThrow(/--password-stdin/);
    await expect(
      runCli(['user', 'passwd', 'ann@corp.example', '--password-stdin'], env, 'short\n'),
    ).rejects.toThrow(/VALIDATION_FAILED/);
    await expect(
      runCli(['user', 'passwd', 'nobody@corp.example', '--password-stdin'], env, 'x-pass-123\n'),
    ).rejects.toThrow(/USER_NOT_FOUND/);
    const server = await startServer({ dataDir });
    const status = async (password: string) =>
      (
        await fetch(`${server.baseUrl}/api/v1/users/ann@corp.example/unread-count`, {
          headers: {
            authorization: `Basic ${Buffer.from(`ann@corp.example:${password}`).toString('base64')}`,
          },
        })
      ).status;
    expect(await status('second-pass-2')).toBe(200);
    expect(await status('first-pass-1')).toBe(401);
    expect(await server.stop()).toBe(0);
  });

  it('refuses to start on a bad setting and names it', async () => {
    const dataDir = await tempDir();
    await expect(
      runCli(['start'], { JDMAIL_DATA_DIR: dataDir, JDMAIL_SMTP_PORT: '99999' }),
    ).rejects.toMatchObject({
      code: 78,
      stderr: expect.stringContaining('invalid setting smtpPort'),
    });
    const file = join(dataDir, 'config.json');
    await writeFile(file, '{"httpPort": 8080, "smtp": {"maxMessageSize": "big"}}');
    await expect(runCli(['start'], { JDMAIL_DATA_DIR: dataDir, JDMAIL_CONFIG: file })).rejects.toMatchObject({
      code: 78,
      stderr: expect.stringContaining('smtp.maxMessageSize'),
    });
    await expect(
      runCli(['start', '--http-port', 'eighty'], { JDMAIL_DATA_DIR: dataDir }),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining('httpPort must be a number'),
    });
  });

  it('refuses to start on a port in use, naming the setting, and exits', async () => {
    const dataDir = await tempDir();
    const squatter = createServer().listen(0, '127.0.0.1');
    await once(squatter, 'listening');
    const taken = (squatter.address() as AddressInfo).port;
    try {
      const env = { JDMAIL_DATA_DIR: dataDir, JDMAIL_HOST: '127.0.0.1', JDMAIL_HTTP_PORT: '0' };
      await expect(runCli(['start'], { ...env, JDMAIL_SMTP_PORT: String(taken) })).rejects.toMatchObject({
        code: 78,
        stderr: expect.stringContaining(
          `smtpPort: 127.0.0.1:${taken} is already in use; choose another port (JDMAIL_SMTP_PORT or --smtp-port)`,
        ),
      });
      // The last listener to start: the SMTP ones are up by then and must be closed again.
      const http = runCli(['start'], {
        ...env,
        JDMAIL_SMTP_PORT: '0',
        JDMAIL_SUBMISSION_PORT: '0',
        JDMAIL_HTTP_PORT: String(taken),
      });
      await expect(http).rejects.toMatchObject({
        code: 78,
        stderr: expect.stringContaining(`httpPort: 127.0.0.1:${taken} is already in use`),
      });
      await expect(http.catch((e: { stderr: string }) => e.stderr)).resolves.not.toContain(
        'unexpected error',
      );
    } finally {
      squatter.close();
    }
  });
});
