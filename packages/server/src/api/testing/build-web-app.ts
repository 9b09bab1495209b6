import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Config, loadConfig } from '../../config/index.js';
import type { Directory } from '../../directory/index.js';
import { createTestDirectory } from '../../directory/testing/test-directory.js';
import { createLoginGuard, createMemoryBucketStore } from '../../limits/index.js';
import { createSso, type Sso } from '../../sso/index.js';
import { type Database, openDatabase } from '../../store/index.js';
import { createApiApp } from '../app.js';
import { memoryLogger } from './build-app.js';
import { FakeMail } from './fake-mail.js';
import { unusedOAuth } from './unused-oauth.js';

export interface WebTestApi {
  app: FastifyInstance;
  database: Database;
  directory: Directory;
  mail: FakeMail;
  sso: Sso;
  /** An API key with every scope. */
  adminKey: string;
  logLines: string[];
  close(): Promise<void>;
}

export interface WebTestOptions {
  /** `JDMAIL_*` settings, as the server would read them. */
  env?: Record<string, string>;
  /** The clock of sessions and of the login guard. */
  now?: () => number;
}

/**
 * The API with web sign-in over a real directory and session store (SQLite
 * in a temp dir) and fake mail: domains `example.com` and `other.org`.
 */
export async function buildWebApi(options: WebTestOptions = {}): Promise<WebTestApi> {
  const dataDir = await mkdtemp(join(tmpdir(), 'jdmail-web-'));
  const database = await openDatabase({ dataDir });
  const directory = createTestDirectory(database.db);
  await directory.createDomain('example.com');
  await directory.createDomain('other.org');
  const { key: adminKey } = await directory.createApiKey({ name: 'admin', scopes: ['*'] });
  const config: Config = loadConfig({ env: { JDMAIL_DATA_DIR: dataDir, ...options.env } });
  const { log, lines } = memoryLogger();
  const mail = new FakeMail();
  const loginGuard = createLoginGuard({ store: createMemoryBucketStore({ now: options.now }) });
  const sso = createSso({
    db: database.db,
    directory,
    config,
    log,
    loginGuard,
    now: options.now,
  });
  const app = await createApiApp({
    directory,
    mail,
    sso,
    oauth: unusedOAuth(),
    loginGuard,
    config,
    log,
    isReady: () => true,
  });
  return {
    app,
    database,
    directory,
    mail,
    sso,
    adminKey,
    logLines: lines,
    async close() {
      await app.close();
      await database.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The `name=value` pair of a Set-Cookie header, for sending the cookie back. */
export function cookieFrom(setCookie: string | string[] | undefined, name: string): string | undefined {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const line = all.find((c) => c.startsWith(`${name}=`));
  return line?.split(';', 1)[0];
}
