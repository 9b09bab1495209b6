import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The built CLI, as users run it. `pnpm test` builds it first. */
export const CLI = join(ROOT, 'packages/server/dist/cli/main.js');

export interface ServerOptions {
  /** Reuse a data directory (restart tests); default a new temp dir. */
  dataDir?: string;
  /** `postgres://…` to run on PostgreSQL. */
  databaseUrl?: string;
  /** Extra `JDMAIL_*` settings. */
  env?: Record<string, string>;
  /** Another build's CLI (benchmarks compare with a baseline); default this checkout's. */
  cli?: string;
}

export interface TestServer {
  baseUrl: string;
  smtpPort: number;
  submissionPort: number;
  /** POP3 with STLS. */
  pop3Port: number;
  /** POP3 over implicit TLS. */
  pop3sPort: number;
  /** IMAP with STARTTLS. */
  imapPort: number;
  /** IMAP over implicit TLS. */
  imapsPort: number;
  /** The admin key printed on first start (undefined on a restart of an initialised dir). */
  adminKey: string | undefined;
  dataDir: string;
  /** Every line the server printed. */
  output: string[];
  /** SIGTERM and wait for a clean exit. */
  stop(): Promise<number | null>;
  /** SIGKILL, as a crash or an OOM kill would end it: no shutdown code runs. Resolves once it is gone. */
  crash(): Promise<void>;
  /** stop() and remove the data dir. */
  destroy(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;

/** Runs `jdmail <args>` to completion; resolves stdout, rejects with stderr on failure. */
export function runCli(args: string[], env: Record<string, string>, input?: string): Promise<string> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.stderr.on('data', (c) => {
      err += c;
    });
    child.stdin.end(input ?? '');
    child.on('close', (code) =>
      code === 0
        ? res(out)
        : rej(
            Object.assign(new Error(`jdmail ${args.join(' ')} exited ${code}: ${err}`), {
              code,
              stderr: err,
            }),
          ),
    );
  });
}

/** Runs `jdmail <args>` to completion and returns what it printed and its exit code, whatever that is. */
export function runCliResult(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('close', (code) => res({ code, stdout, stderr }));
  });
}

/**
 * Runs `jdmail <args>` on a pseudo-terminal (util-linux `script`), as a user
 * at a terminal would: what the CLI does only for a TTY shows up here.
 */
export function runCliOnTerminal(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const quoted = [process.execPath, CLI, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  return new Promise((res) => {
    const child = spawn('script', ['-qefc', quoted, '/dev/null'], {
      env: { ...process.env, ...env, COLUMNS: '100' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c) => {
      output += c;
    });
    child.stderr.on('data', (c) => {
      output += c;
    });
    child.on('close', (code) => res({ code, output }));
  });
}

/**
 * Starts the real server (`jdmail start`) in a child process on free ports
 * (port 0) and waits for its "ready" log line, which names the ports.
 */
export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'jdmail-e2e-')));
  const env: Record<string, string> = {
    JDMAIL_DATA_DIR: dataDir,
    JDMAIL_HOST: '127.0.0.1',
    JDMAIL_HOSTNAME: 'mail.test',
    JDMAIL_HTTP_PORT: '0',
    JDMAIL_SMTP_PORT: '0',
    JDMAIL_SUBMISSION_PORT: '0',
    JDMAIL_POP3_PORT: '0',
    JDMAIL_POP3S_PORT: '0',
    JDMAIL_IMAP_PORT: '0',
    JDMAIL_IMAPS_PORT: '0',
    JDMAIL_LOG_LEVEL: 'info',
    JDMAIL_SMTP_REVERSE_DNS_TIMEOUT_MS: '200',
    ...(options.databaseUrl ? { JDMAIL_DATABASE_URL: options.databaseUrl } : {}),
    ...options.env,
  };
  const child: ChildProcess = spawn(process.execPath, [options.cli ?? CLI, 'start'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  let adminKey: string | undefined;
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));

  const ready = new Promise<{
    http: number;
    smtp: number;
    submission: number;
    pop3: number;
    pop3s: number;
    imap: number;
    imaps: number;
  }>((res, rej) => {
    const timer = setTimeout(
      () => rej(new Error(`server not ready in ${READY_TIMEOUT_MS} ms:\n${output.join('\n')}`)),
      READY_TIMEOUT_MS,
    );
    let buf = '';
    const onData = (chunk: Buffer) => {
      buf += chunk.toString();
      let nl = buf.indexOf('\n');
      while (nl >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        output.push(line);
        const key = /\b(jdk_[A-Za-z0-9_-]{43})\b/.exec(line);
        if (key) adminKey = key[1];
        if (line.includes('"jdmail is ready"')) {
          clearTimeout(timer);
          res(JSON.parse(line).ports);
        }
        nl = buf.indexOf('\n');
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
    exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`server exited with ${code} before ready:\n${output.join('\n')}`));
    });
  });
  const ports = await ready;
  // A fresh data dir prints the admin key banner right after the ready line.
  for (let i = 0; !options.dataDir && !adminKey && i < 100; i++) await new Promise((r) => setTimeout(r, 50));

  const stop = async () => {
    if (child.exitCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await exited;
    clearTimeout(kill);
    return code;
  };
  return {
    // A server bound to another loopback address (JDMAIL_HOST=127.0.0.2: an MX of its own) answers there.
    baseUrl: `http://${env.JDMAIL_HOST === '0.0.0.0' ? '127.0.0.1' : env.JDMAIL_HOST}:${ports.http}`,
    smtpPort: ports.smtp,
    submissionPort: ports.submission,
    pop3Port: ports.pop3,
    pop3sPort: ports.pop3s,
    imapPort: ports.imap,
    imapsPort: ports.imaps,
    get adminKey() {
      return adminKey;
    },
    dataDir,
    output,
    stop,
    async crash() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
    async destroy() {
      await stop();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The server's log so far, once a line matching `re` has arrived. The
 * child's stdout reaches the test a little after its HTTP answers, so a test
 * that reads the log after a request waits for that request's line first.
 */
export async function logUntil(server: TestServer, re: RegExp, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!re.test(server.output.join('\n'))) {
    if (Date.now() > deadline) throw new Error(`no log line matching ${re} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return server.output.join('\n');
}
