import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Directory } from '../../directory/index.js';
import { createTestDirectory } from '../../directory/testing/test-directory.js';
import { createLoginGuard, createMemoryBucketStore } from '../../limits/index.js';
import { createOAuthService, type OAuthService } from '../../oauth/index.js';
import { type Database, openDatabase } from '../../store/index.js';
import { createApiApp } from '../app.js';
import { memoryLogger } from './build-app.js';
import { FakeMail } from './fake-mail.js';

export const TEST_ISSUER = 'https://mail.example.com';

export interface OAuthTestApi {
  app: FastifyInstance;
  oauth: OAuthService;
  directory: Directory;
  mail: FakeMail;
  database: Database;
  logLines: string[];
  /** Keys: every scope, unrestricted; every scope within example.com; only apps:write + mail:read. */
  keys: { admin: string; example: string; narrow: string };
  /** Moves the clock the token service sees. */
  tick(ms: number): void;
  close(): Promise<void>;
}

/**
 * The API with the real app-token service, the real directory over a
 * throwaway SQLite database (apps reference its domains), and FakeMail:
 * domains example.com and other.org with users alice@example.com and
 * carol@other.org. The login guard runs on the test clock (`tick`).
 */
export async function buildOAuthTestApi(): Promise<OAuthTestApi> {
  const dataDir = await mkdtemp(join(tmpdir(), 'jdmail-oauth-api-'));
  const database = await openDatabase({ dataDir });
  const directory = createTestDirectory(database.db);
  await directory.createDomain('example.com');
  await directory.createDomain('other.org');
  await directory.createUser({ address: 'alice@example.com', password: 'alice-password' });
  await directory.createUser({ address: 'carol@other.org', password: 'carol-password' });
  const keys = {
    admin: (await directory.createApiKey({ name: 'admin', scopes: ['*'] })).key,
    example: (await directory.createApiKey({ name: 'example', scopes: ['*'], domain: 'example.com' })).key,
    narrow: (await directory.createApiKey({ name: 'narrow', scopes: ['apps:write', 'mail:read'] })).key,
  };
  let t = Date.now();
  const { log, lines } = memoryLogger();
  const oauth = createOAuthService({
    db: database.db,
    directory,
    config: { tokenLifetimeSeconds: 600, signingAlgorithm: 'EdDSA', keyRotationHours: 0 },
    issuer: () => TEST_ISSUER,
    log,
    now: () => t,
  });
  await oauth.start();
  const mail = new FakeMail();
  const app = await createApiApp({
    directory,
    mail,
    oauth,
    config: { api: { bodyLimit: 64 * 1024, defaultBodyLimit: 64 * 1024, docs: false } },
    log,
    isReady: () => true,
    loginGuard: createLoginGuard({ store: createMemoryBucketStore({ now: () => t }) }),
  });
  return {
    app,
    oauth,
    directory,
    mail,
    database,
    logLines: lines,
    keys,
    tick(ms) {
      t += ms;
    },
    async close() {
      oauth.stop();
      await app.close();
      await database.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
