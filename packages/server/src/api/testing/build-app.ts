import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { SCOPES } from '../../directory/index.js';
import { createLoginGuard, createMemoryBucketStore } from '../../limits/index.js';
import { createLogger, type Logger } from '../../telemetry/index.js';
import { type ApiDeps, createApiApp } from '../app.js';
import { FakeDirectory } from './fake-directory.js';
import { FakeAddressBook, FakeDirectorySync } from './fake-directory-services.js';
import { FakeMail } from './fake-mail.js';
import { unusedOAuth } from './unused-oauth.js';

/** A logger whose lines are kept in memory, so tests can assert what was (not) logged. */
export function memoryLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createLogger({ level: 'info', destination }), lines };
}

export interface TestApi {
  app: FastifyInstance;
  directory: FakeDirectory;
  mail: FakeMail;
  directorySync: FakeDirectorySync;
  logLines: string[];
}

/** The API over fakes: a domain `example.com`, keys `jdk_admin` (all scopes) and `jdk_example` (example.com only). */
export async function buildTestApi(overrides: Partial<ApiDeps> = {}): Promise<TestApi> {
  const directory = new FakeDirectory();
  const mail = new FakeMail(
    (a) => directory.users.has(a) || [...directory.users.values()].some((u) => u.aliases.includes(a)),
  );
  const directorySync = new FakeDirectorySync();
  const { log, lines } = memoryLogger();
  await directory.createDomain('example.com');
  await directory.createDomain('other.org');
  const all = SCOPES;
  directory.addKey('jdk_admin', [...all]);
  directory.addKey('jdk_example', [...all], 'example.com');
  const app = await createApiApp({
    directory,
    mail,
    oauth: unusedOAuth(),
    addressBook: new FakeAddressBook(directory),
    directorySync,
    config: { api: { bodyLimit: 64 * 1024, defaultBodyLimit: 64 * 1024, docs: true } },
    log,
    isReady: () => true,
    loginGuard: createLoginGuard({ store: createMemoryBucketStore() }),
    ...overrides,
  });
  return { app, directory, mail, directorySync, logLines: lines };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});
