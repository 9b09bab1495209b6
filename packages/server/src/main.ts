import { mkdirSync } from 'node:fs';
import type { Logger } from 'pino';
import { createApiApp } from './api/index.js';
import type { Config } from './config/index.js';
import {
  type AddressBook,
  createAddressBook,
  createDirectory,
  createDirectorySyncTarget,
  type Directory,
} from './directory/index.js';
import {
  createDirectorySync,
  createLdapAuthenticator,
  type DirectorySync,
  type EventSink,
  resolveSources,
} from './ldap/index.js';
import { createMailService, type MailService } from './mail/index.js';
import {
  createLoginThrottle,
  createReverseLookup,
  createSmtpListener,
  loadTls,
  type SmtpListener,
  type TlsMaterial,
} from './smtp/index.js';
import {
  createMailStore,
  type Database,
  insertDefaultMailboxes,
  type LocalMailStore,
  openDatabase,
} from './store/index.js';

export type { SyncReport, SyncRun } from './directory/index.js';

/** The engine's parts, built and wired; nothing listens yet. */
export interface Engine {
  config: Config;
  database: Database;
  store: LocalMailStore;
  directory: Directory;
  mail: MailService;
  /** The global address book and department tree. */
  addressBook: AddressBook;
  /** LDAP/AD sync jobs (no sources configured: every request names an unknown source). */
  directorySync: DirectorySync;
  close(): Promise<void>;
}

/**
 * The one place user events are announced. The events module (outbox,
 * webhooks, SSE) is not built yet; until it is, each event is a log line.
 */
function userEventSink(log: Logger): EventSink {
  const events = log.child({ component: 'events' });
  return (event) => events.info({ event }, event.type);
}

/**
 * Builds every module with its dependencies passed in: the one place that
 * knows the concrete backends (DESIGN.md). Used by `start` and by CLI
 * commands that work on the data directory directly.
 */
export async function buildEngine(config: Config, log: Logger): Promise<Engine> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o750 });
  const database = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  const store = createMailStore({ database, dataDir: config.dataDir, maxBatch: config.store.maxBatch, log });
  const sources = resolveSources(config);
  const ldapLog = log.child({ component: 'ldap' });
  const directory = createDirectory({
    db: database.db,
    defaultQuotaBytes: config.store.defaultQuotaBytes,
    createMailboxes: (trx, userId) => insertDefaultMailboxes(trx, userId),
    releaseBlobs: (ids) => store.releaseBlobs(ids),
    externalAuth: createLdapAuthenticator({
      sources,
      cacheTtlMs: config.ldap.authCacheSeconds * 1000,
      log: ldapLog,
    }),
  });
  const directorySync = createDirectorySync({
    sources,
    target: createDirectorySyncTarget({
      db: database.db,
      defaultQuotaBytes: config.store.defaultQuotaBytes,
      createMailboxes: (trx, userId) => insertDefaultMailboxes(trx, userId),
    }),
    emit: userEventSink(log),
    log: ldapLog,
    intervalMs: config.ldap.syncIntervalSeconds * 1000,
    fullIntervalMs: config.ldap.fullSyncIntervalSeconds * 1000,
  });
  const mail = createMailService({
    store,
    directory,
    hostname: config.hostname,
    maxMessageSize: config.smtp.maxMessageSize,
    log: log.child({ component: 'mail' }),
  });
  return {
    config,
    database,
    store,
    directory,
    mail,
    addressBook: createAddressBook(database.db),
    directorySync,
    async close() {
      await directorySync.stop();
      await store.close();
      await database.close();
    },
  };
}

const BOOTSTRAP_KEY = 'bootstrap';

/**
 * Makes a fresh data directory ready: database, TLS certificate, and — only
 * the first time — an administrator API key, returned so it can be shown once.
 */
export async function initDataDir(engine: Engine): Promise<{ adminKey: string | null; tls: TlsMaterial }> {
  const tls = await loadTls({
    dataDir: engine.config.dataDir,
    hostname: engine.config.hostname,
    certFile: engine.config.smtp.tlsCertFile,
    keyFile: engine.config.smtp.tlsKeyFile,
  });
  const { db } = engine.database;
  const done = await db
    .selectFrom('meta')
    .select('value')
    .where('key', '=', BOOTSTRAP_KEY)
    .executeTakeFirst();
  if (done) return { adminKey: null, tls };
  const { key } = await engine.directory.createApiKey({ name: 'bootstrap admin', scopes: ['*'] });
  await db.insertInto('meta').values({ key: BOOTSTRAP_KEY, value: new Date().toISOString() }).execute();
  return { adminKey: key, tls };
}

export interface RunningServer {
  engine: Engine;
  ports: { http: number; smtp: number; submission: number };
  /** Set when this start initialised the data directory. */
  adminKey: string | null;
  stop(): Promise<void>;
}

/** Starts every listener; resolves when all are up (and /readyz says so). */
export async function startServer(config: Config, log: Logger): Promise<RunningServer> {
  const engine = await buildEngine(config, log);
  let ready = false;
  const { adminKey, tls } = await initDataDir(engine);
  const reverseLookup = createReverseLookup(config.smtp.reverseDnsTimeoutMs);
  const throttle = createLoginThrottle();
  const smtp = (mode: 'mx' | 'submission'): SmtpListener =>
    createSmtpListener({
      mode,
      config,
      directory: engine.directory,
      mail: engine.mail,
      tls,
      reverseLookup,
      throttle,
      log,
    });
  const mx = smtp('mx');
  const submission = smtp('submission');
  const api = await createApiApp({
    directory: engine.directory,
    mail: engine.mail,
    addressBook: engine.addressBook,
    directorySync: engine.directorySync,
    config,
    log: log.child({ component: 'api' }),
    isReady: () => ready,
  });

  const ports = {
    smtp: await mx.listen(config.smtpPort, config.host),
    submission: await submission.listen(config.submissionPort, config.host),
    http: 0,
  };
  await api.listen({ port: config.httpPort, host: config.host });
  const address = api.server.address();
  ports.http = typeof address === 'object' && address ? address.port : config.httpPort;
  ready = true;
  engine.directorySync.startSchedule();
  log.info(
    { ports, host: config.host, dataDir: config.dataDir, engine: engine.database.engine },
    'jdmail is ready',
  );

  let stopping: Promise<void> | undefined;
  return {
    engine,
    ports,
    adminKey,
    stop() {
      stopping ??= (async () => {
        ready = false;
        await Promise.all([mx.close(), submission.close(), api.close()]);
        await engine.close();
        log.info('jdmail stopped');
      })();
      return stopping;
    },
  };
}
