import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.js';

const run = promisify(execFile);

/** Debian's PostgreSQL 15; `JDMAIL_TEST_PG_BIN` points elsewhere (e.g. another major version). */
const PG_BIN = process.env.JDMAIL_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** A throwaway PostgreSQL cluster owned by the test run. */
export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:PORT/jdmail` */
  url: string;
  port: number;
  /** Creates an empty database (random name unless given) and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Fast shutdown, then the cluster's directory is removed (a shared cluster: see {@link sharePostgres}). */
  stop(): Promise<void>;
}

/**
 * PostgreSQL refuses to run as root, so as root the server tools run as
 * `nobody` (through runuser); as anyone else they run directly.
 */
function serverCommand(bin: string, args: string[]): [string, string[]] {
  const path = join(PG_BIN, bin);
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'nobody', '--', path, ...args]] : [path, args];
}

async function runServerTool(bin: string, args: string[]): Promise<void> {
  const [command, argv] = serverCommand(bin, args);
  await run(command, argv, { cwd: tmpdir() });
}

/** Whether the PostgreSQL server binaries are there (`initdb` in {@link PG_BIN}). */
export async function postgresInstalled(): Promise<boolean> {
  return access(join(PG_BIN, 'initdb'), constants.X_OK).then(
    () => true,
    () => false,
  );
}

async function assertInstalled(): Promise<void> {
  try {
    await access(join(PG_BIN, 'initdb'), constants.X_OK);
  } catch {
    throw new Error(
      `PostgreSQL server binaries not found in ${PG_BIN} (initdb missing). ` +
        'Install them (Debian: apt-get install postgresql-15) or set JDMAIL_TEST_PG_BIN to their directory.',
    );
  }
}

/** A temp dir the server user can own: chowned to nobody when we are root. */
async function clusterDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'jdmail-pg-'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'nobody']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'nobody']).toString().trim());
    await chown(dir, uid, gid);
  }
  return dir;
}

/** Starts the server on a free port; retries with another port if one was taken in between. */
async function startOnFreePort(dir: string, data: string, maxConnections: number): Promise<number> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    // fsync stays on: the store's durability tests must pay for real flushes.
    const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=${maxConnections}`;
    try {
      await runServerTool('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', opts, '-w', 'start']);
      return port;
    } catch (e) {
      lastError = e;
    }
  }
  const log = await readFile(join(dir, 'server.log'), 'utf8').catch(() => '');
  throw new Error(`PostgreSQL did not start: ${(lastError as Error).message}\n${log.slice(-2000)}`);
}

export interface PostgresOptions {
  /** PostgreSQL's `max_connections`: 200 (room for one test file's servers and pools) unless told. */
  maxConnections?: number;
}

/**
 * Starts a throwaway PostgreSQL 15 cluster in a temp dir (trust auth, local
 * only) with a database `jdmail`. Always `stop()` it; a cluster still running
 * when the process exits is stopped immediately.
 */
export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresServer> {
  await assertInstalled();
  const dir = await clusterDir();
  const data = join(dir, 'data');
  // --no-sync only skips initdb's final flush of the template files; the server itself runs with fsync=on.
  // The locale is explicit, not whatever the environment has: lower() (and so every search) folds
  // non-ASCII letters only under a UTF-8 locale, and C.UTF-8 is on every Debian machine.
  await runServerTool('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
    '--no-sync',
  ]);
  const port = await startOnFreePort(dir, data, options.maxConnections ?? 200);
  let stopped = false;
  const onExit = () => {
    if (stopped) return;
    const [command, argv] = serverCommand('pg_ctl', ['-D', data, 'stop', '-m', 'immediate']);
    execFileSync(command, argv, { cwd: tmpdir(), stdio: 'ignore' });
  };
  process.once('exit', onExit);
  const server: PostgresServer = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/jdmail`,
    createDatabase: (name) => createDatabase(port, name),
    async stop() {
      if (stopped) return;
      stopped = true;
      process.off('exit', onExit);
      await runServerTool('pg_ctl', ['-D', data, 'stop', '-m', 'fast', '-w']);
      await rm(dir, { recursive: true, force: true });
    },
  };
  await server.createDatabase('jdmail');
  return server;
}

/** `createdb` on the cluster at `port`: a new empty database (random name unless given); its URL. */
async function createDatabase(port: number, name = `t_${randomBytes(6).toString('hex')}`): Promise<string> {
  await run(join(PG_BIN, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', name]);
  return `postgres://postgres@127.0.0.1:${port}/${name}`;
}

/**
 * A test file's share of a cluster the whole run uses (started once by
 * harness/postgres-global.ts, at `url`): `createDatabase` as on a cluster of
 * its own, and `stop()` drops the databases made through it (their
 * connections ended first) instead of stopping the cluster. Every file
 * works in databases of its own, so files running at once never meet.
 */
export function sharePostgres(url: string): PostgresServer {
  const port = Number(new URL(url).port);
  const made: string[] = [];
  return {
    port,
    url,
    async createDatabase(name) {
      const created = await createDatabase(port, name);
      made.push(new URL(created).pathname.slice(1));
      return created;
    },
    async stop() {
      const names = made.splice(0);
      const server = ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres'];
      await Promise.all(names.map((name) => run(join(PG_BIN, 'dropdb'), [...server, '--force', name])));
    },
  };
}
