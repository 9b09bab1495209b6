// The two servers the IMAP benchmark compares, behind one interface: a throwaway Dovecot 2.3
// (test/harness/dovecot.ts) and jdmail from its built CLI, each on free loopback ports.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes, scryptSync } from 'node:crypto';
import { existsSync, openSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Dovecot, startDovecot } from '../../../test/harness/dovecot.js';
import { ImapWire } from '../../../test/harness/imap-wire.js';
import { freePort } from '../../../test/harness/ports.js';
import { canRaiseLimits, FD_LIMIT } from './limits.js';

export type ServerName = 'dovecot' | 'jdmail';

export interface BenchUser {
  name: string;
  password: string;
}

export interface BenchServer {
  name: ServerName;
  /** For the report, e.g. `Dovecot 2.3.19.1`. */
  label: string;
  imapPort: number;
  pop3Port: number;
  /** Process-tree roots whose CPU and memory are the server's. */
  roots(): number[];
  logTail(): Promise<string>;
  stop(): Promise<void>;
}

export interface DovecotBenchOptions {
  dir: string;
  users: BenchUser[];
  /** imap/pop3 process limit; unset = Dovecot's own default (1,024). */
  processLimit?: number;
  /** How Dovecot stores the passwords it checks at each LOGIN (`doveadm pw -s`). */
  passwordScheme: string;
}

/** Dovecot as configured by dovecot-peer.sh, plaintext on loopback, no per-user session cap. */
export async function startDovecotBench(o: DovecotBenchOptions): Promise<BenchServer> {
  const d: Dovecot = await startDovecot({
    users: o.users,
    tls: false,
    maxUserIp: 1_000_000,
    processLimit: o.processLimit,
    passwordScheme: o.passwordScheme,
  });
  return {
    name: 'dovecot',
    label: `Dovecot ${d.version.split(' ')[0]}`,
    imapPort: d.imapPort,
    pop3Port: d.pop3Port,
    roots: () => [d.pid],
    logTail: () => d.logTail(),
    stop: () => d.stop(),
  };
}

export interface JdmailBenchOptions {
  dir: string;
  cli: string;
  users: BenchUser[];
  /** Extra environment (e.g. the IMAP listener's per-user and per-IP session limits, raised for 20,000 sessions). */
  env: Record<string, string>;
  nodeArgs?: string[];
  /**
   * scrypt cost (log2 N) of the users' stored password hashes; unset keeps jdmail's own (15).
   * jdmail verifies a hash at the cost it was made with, so a lower one makes each LOGIN cheaper.
   */
  scryptLn?: number;
}

/**
 * Rewrites the bench users' password hashes at scrypt cost `ln`, in the stored form jdmail
 * verifies (`$scrypt$ln=…,r=8,p=1$salt$key`, directory/passwords.ts), straight into its database.
 */
async function setScryptCost(dbFile: string, users: BenchUser[], ln: number): Promise<void> {
  const require = createRequire(new URL('../../../packages/server/package.json', import.meta.url));
  // better-sqlite3 is the server package's dependency, not the workspace root's.
  const Sqlite =
    require('better-sqlite3') as typeof import('../../../packages/server/node_modules/@types/better-sqlite3/index.js');
  const db = new Sqlite(dbFile);
  try {
    db.pragma('busy_timeout = 10000');
    const update = db.prepare('update users set password_hash = ? where address = ?');
    for (const u of users) {
      const salt = randomBytes(16);
      const key = scryptSync(u.password.normalize('NFC'), salt, 32, {
        N: 2 ** ln,
        r: 8,
        p: 1,
        maxmem: 2 ** 28,
      });
      const hash = `$scrypt$ln=${ln},r=8,p=1$${salt.toString('base64')}$${key.toString('base64')}`;
      if (update.run(hash, u.name).changes !== 1) throw new Error(`no user ${u.name} to set the hash of`);
    }
  } finally {
    db.close();
  }
}

const DOMAIN = 'bench.test';

function runCli(cli: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((res, rej) =>
    execFile(process.execPath, [cli, ...args], { env, timeout: 120_000 }, (err, stdout, stderr) =>
      err ? rej(new Error(`jdmail ${args[0]} failed: ${stderr || err.message}`)) : res(stdout),
    ),
  );
}

/** Polls `GET /readyz` (200 once every listener is up) until it answers or the process ends. */
async function waitReady(base: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`jdmail exited with ${child.exitCode} before it was ready`);
    const ok = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`jdmail not ready at ${base}/readyz in ${timeoutMs} ms`);
}

/** Connects once to the IMAP port: the listener is there and greets. */
async function checkGreeting(port: number): Promise<void> {
  try {
    (await ImapWire.connect({ port }, 5_000)).destroy();
  } catch (err) {
    throw new Error(
      `no IMAP greeting from jdmail on 127.0.0.1:${port} (${(err as Error).message}). ` +
        'Does this build have the IMAP listener (JDMAIL_IMAP_PORT)?',
    );
  }
}

/** POSTs to jdmail's REST API with the bench's admin key; 409 (exists) counts as done. */
async function api(base: string, key: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${base}/api/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok && res.status !== 409) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
}

/**
 * jdmail from its built CLI with its own data dir: IMAP and POP3 (and HTTP for the REST API,
 * SMTP for completeness) on free ports through the `JDMAIL_*_PORT` settings; the bench's domain
 * and users made through the REST API with an API key from `jdmail apikey create`.
 */
export async function startJdmailBench(o: JdmailBenchOptions): Promise<BenchServer> {
  if (!existsSync(o.cli))
    throw new Error(`jdmail CLI not found at ${o.cli}: run \`pnpm --filter @jdmail/server build\``);
  const [imapPort, pop3Port, httpPort] = [await freePort(), await freePort(), await freePort()];
  const dataDir = join(o.dir, 'data');
  await mkdir(dataDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    JDMAIL_DATA_DIR: dataDir,
    JDMAIL_HOST: '127.0.0.1',
    JDMAIL_HOSTNAME: 'mail.bench.test',
    JDMAIL_HTTP_PORT: String(httpPort),
    JDMAIL_SMTP_PORT: '0',
    JDMAIL_SUBMISSION_PORT: '0',
    JDMAIL_IMAP_PORT: String(imapPort),
    JDMAIL_IMAPS_PORT: '0',
    JDMAIL_POP3_PORT: String(pop3Port),
    JDMAIL_POP3S_PORT: '0',
    JDMAIL_LOG_LEVEL: 'warn',
    // The IDLE phases hold thousands of sessions of four users from eight addresses: no caps
    // (like Dovecot's mail_max_userip_connections raised for it).
    JDMAIL_IMAP_MAX_SESSIONS_PER_USER: '0',
    JDMAIL_IMAP_MAX_CONNECTIONS_PER_IP: '0',
    JDMAIL_POP3_MAX_CONNECTIONS_PER_IP: '0',
    ...o.env,
  };
  await runCli(o.cli, ['init'], env);
  const key = (
    await runCli(o.cli, ['apikey', 'create', '--name', 'imap-bench', '--scopes', '*'], env)
  ).trim();
  const logFile = join(o.dir, 'jdmail.log');
  // 20,000 sessions need more descriptors than the usual soft limit: raise it for the server (as root).
  const [cmd, args] = canRaiseLimits()
    ? [
        'prlimit',
        [`--nofile=${FD_LIMIT}:${FD_LIMIT}`, process.execPath, ...(o.nodeArgs ?? []), o.cli, 'start'],
      ]
    : [process.execPath, [...(o.nodeArgs ?? []), o.cli, 'start']];
  const fd = openSync(logFile, 'a');
  const child = spawn(cmd, args, { env, stdio: ['ignore', fd, fd], detached: true });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  try {
    const base = `http://127.0.0.1:${httpPort}`;
    await waitReady(base, child, 60_000);
    await api(base, key, '/domains', { name: DOMAIN });
    for (const u of o.users) await api(base, key, '/users', { address: u.name, password: u.password });
    if (o.scryptLn !== undefined) await setScryptCost(join(dataDir, 'jdmail.db'), o.users, o.scryptLn);
    await checkGreeting(imapPort);
  } catch (err) {
    kill();
    throw err;
  }
  const version = JSON.parse(await readFile(join(o.cli, '../../../package.json'), 'utf8')).version as string;
  return {
    name: 'jdmail',
    label: `jdmail ${version}`,
    imapPort,
    pop3Port,
    roots: () => (child.pid && child.exitCode === null ? [child.pid] : []),
    logTail: async () => (await readFile(logFile, 'utf8').catch(() => '')).split('\n').slice(-30).join('\n'),
    async stop() {
      process.off('exit', kill);
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(kill, 20_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** The bench's users, `bench1@bench.test` …, one password for all. */
export function benchUsers(count: number): BenchUser[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `bench${i + 1}@${DOMAIN}`,
    password: 'bench-password-1',
  }));
}
