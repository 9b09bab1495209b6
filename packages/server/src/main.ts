import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { createApiApp, findWebmailDist } from './api/index.js';
import { createAuditLog } from './audit/index.js';
import { type Config, ConfigError, listSettings, publicBaseUrl, startupWarnings } from './config/index.js';
import {
  type AddressBook,
  createAddressBook,
  createDirectory,
  createDirectorySyncTarget,
  type Directory,
} from './directory/index.js';
import { createDnsResolver, type DnsRecordType } from './dns/index.js';
import { createEventHub, createEventLog, type LocalEventLog, toCloudEvent } from './events/index.js';
import { createWebhookService, type WebhookService } from './events/webhooks/index.js';
import {
  createCachedGroupPolicies,
  createEngineFilter,
  createGreylist,
  createGroupPolicies,
  createJunkLearner,
  createQuarantineService,
  createRulesService,
  createSenderHistory,
  createSpamClassifier,
  type FilterPipeline,
  fromHeaderAddress,
  type Greylist,
  type GroupPolicies,
  type JunkLearner,
  type QuarantineService,
  type RulesService,
  type SpamClassifier,
} from './filter/index.js';
import { createIdempotencyStore, type IdempotencyStore } from './idempotency/index.js';
import { createImapListeners } from './imap/index.js';
import {
  createDirectorySync,
  createLdapAuthenticator,
  type DirectorySync,
  resolveSources,
} from './ldap/index.js';
import {
  createLoginGuard,
  createMemoryBucketStore,
  createSendRateLimiter,
  type LoginGuard,
} from './limits/index.js';
import { createMailService, createUploadStore, type MailService, type UploadStore } from './mail/index.js';
import {
  createDkimKeys,
  createDkimSigner,
  createDomainMailAuth,
  createInboundAuth,
  type DkimSigner,
  type DnsResolve,
  type DomainMailAuth,
  type InboundAuth,
} from './mail-auth/index.js';
import { createOAuthService, type OAuthService } from './oauth/index.js';
import { createPop3Listeners } from './pop3/index.js';
import { createQueueService, createSmtpTransport, planOutbound, type QueueService } from './queue/index.js';
import { createScimService } from './scim/index.js';
import { createSearchIndexer, type SearchIndexer, searchMessages } from './search/index.js';
import {
  createAfterDelivery,
  createSendNew,
  createSettingsStore,
  createUserSettingsService,
  type UserSettingsService,
} from './settings/index.js';
import { createReverseLookup, createSmtpListener, type SmtpListener } from './smtp/index.js';
import { createConnectionSessions, createSso, type Sso } from './sso/index.js';
import { createDashboardStats } from './stats/index.js';
import {
  createMailStore,
  type Database,
  insertDefaultMailboxes,
  type LocalMailStore,
  openDatabase,
} from './store/index.js';
import { createMetrics } from './telemetry/index.js';
import { loadTls, type TlsMaterial } from './tls/index.js';
import { createMessageTrace, type TraceStore } from './trace/index.js';

export type { SyncReport, SyncRun } from './directory/index.js';

/** The engine's parts, built and wired; nothing listens yet. */
export interface Engine {
  config: Config;
  /** The full-text search index: follows deliveries, backfills what it lacks at start. */
  search: SearchIndexer;
  database: Database;
  store: LocalMailStore;
  directory: Directory;
  mail: MailService;
  /** App tokens: registered apps, signing keys, the client credentials grant. */
  oauth: OAuthService;
  sso: Sso;
  /**
   * The one login guard: SMTP AUTH, API Basic, webmail sign-in and the token
   * endpoint share its budgets. Its counters are in this process's memory.
   */
  loginGuard: LoginGuard;
  /** The global address book and department tree. */
  addressBook: AddressBook;
  /** Files uploaded for sends and drafts (`<dataDir>/uploads`, kept 24 hours). */
  uploads: UploadStore;
  /** LDAP/AD sync jobs (no sources configured: every request names an unknown source). */
  directorySync: DirectorySync;
  /** Outcomes of API sends made with an `Idempotency-Key`. */
  idempotency: IdempotencyStore;
  /** The outbound queue: operators' view and the delivery worker. */
  queue: QueueService;
  /** The event log: every change that matters, written by its transaction (`events/`). */
  events: LocalEventLog;
  /** Webhook endpoints and their delivery worker (started with the server). */
  webhooks: WebhookService;
  /** Every hop of every message (`GET /messages/trace`). */
  trace: TraceStore;
  /** DKIM signatures for outbound mail (the queue worker's). */
  dkimSigner: DkimSigner;
  /** The MX's SPF/DKIM/DMARC/ARC checks. */
  inboundAuth: InboundAuth;
  /** DNS records to publish, DKIM rotation, the MTA-STS policy. */
  domainMailAuth: DomainMailAuth;
  /** Filter rule sets and the vacation log (filter/rules). */
  rules: RulesService;
  /** Group mail policies and group lookups (filter/groups). */
  groupPolicies: GroupPolicies;
  /** Greylisting on the MX (`greylist.enabled`); undefined when off. */
  greylist: Greylist | undefined;
  /** The spam classifier (global model and users' own): the filter's spam stage, quarantine training. */
  spam: SpamClassifier;
  /** Learns from users' Junk moves (after each move; `idle` for tests and shutdown). */
  junkLearner: JunkLearner;
  /** Messages the filter held for an administrator. */
  quarantine: QuarantineService;
  /** The verdict pipeline of SMTP DATA (virus, spam, rules); undefined when `filter.enabled` is off. */
  filter: FilterPipeline | undefined;
  /** Users' own settings; their auto-reply and forwarding run after each delivery (settings/). */
  settings: UserSettingsService;
  close(): Promise<void>;
}

export interface BuildOptions {
  /** The HTTP port as bound (known only after listening on port 0); default the configured one. */
  httpPort?: () => number;
}

/**
 * Builds every module with its dependencies passed in: the one place that
 * knows the concrete backends (DESIGN.md). Used by `start` and by CLI
 * commands that work on the data directory directly.
 */
export async function buildEngine(config: Config, log: Logger, options: BuildOptions = {}): Promise<Engine> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o750 });
  const database = await openDatabase({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    // A PostgreSQL restart or failover drops idle connections: the pool reconnects, we only note it.
    onConnectionError: (err) =>
      log.warn({ err: err.message }, 'a PostgreSQL connection failed; reconnecting'),
  });
  // The classifier: scoring (the filter pipeline), training (API, CLI) and learning from Junk moves.
  const spam = createSpamClassifier({ db: database.db, settings: config.spam });
  let junkLearner: JunkLearner | undefined;
  const store = createMailStore({
    database,
    dataDir: config.dataDir,
    maxBatch: config.store.maxBatch,
    inlineBodyMaxBytes: config.store.inlineBodyMaxBytes,
    // Every copy or move (IMAP, REST, webmail) passes here once; learning runs after it answered.
    onMessagesPlaced: (event) => junkLearner?.placed(event),
    // The search index follows new and removed bodies off the delivery path (search/indexer.ts).
    onBodiesStored: (blobIds) => search?.enqueue(blobIds),
    onBodyRemoved: (blobId) => void search?.forget([blobId]),
    log,
  });
  const search: SearchIndexer = createSearchIndexer({ database, blobs: store.blobs, log });
  // The spam score's sender-history feature: whom local users wrote to, whose mail they said is not junk.
  const senderHistory = createSenderHistory({ db: database.db });
  junkLearner = createJunkLearner({
    classifier: spam,
    readBody: (blobId) => store.blobs.readBuffer(blobId),
    learnedHam: (userId, raw) => senderHistory.noteHam(userId, fromHeaderAddress(raw)),
    log: log.child({ component: 'spam-learn' }),
  });
  // One cached resolver for delivery (MX, MTA-STS) and for the mail checks (SPF, DKIM, DMARC).
  const dns = createDnsResolver({ config: config.dns });
  // mailauth asks by type name; a type the resolver does not serve is refused with ENOTIMP.
  const resolve: DnsResolve = (name, rrtype) => dns.resolve(name, rrtype as DnsRecordType);
  const authLog = log.child({ component: 'mail-auth' });
  const dkimKeys = createDkimKeys({ db: database.db, bits: config.mailAuth.dkimKeyBits });
  const sources = resolveSources(config);
  const ldapLog = log.child({ component: 'ldap' });
  const directory = createDirectory({
    db: database.db,
    prepareRead: database.prepareRead,
    recipientCacheMs: config.smtp.recipientCacheMs,
    defaultQuotaBytes: config.store.defaultQuotaBytes,
    createMailboxes: (trx, userId) => insertDefaultMailboxes(trx, userId),
    releaseBlobs: (ids) => store.releaseBlobs(ids),
    // A domain is usable without its key (made later by POST …/dkim); the failure is logged.
    onDomainCreated: (domain) =>
      dkimKeys.ensure(domain.name).then(
        () => undefined,
        (err) => authLog.error({ err, domain: domain.name }, 'could not make the DKIM key of a new domain'),
      ),
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
      onChange: () => directory.noteDirectoryChanged(),
    }),
    log: ldapLog,
    intervalMs: config.ldap.syncIntervalSeconds * 1000,
    fullIntervalMs: config.ldap.fullSyncIntervalSeconds * 1000,
  });
  const events = createEventLog({ database, log: log.child({ component: 'events' }) });
  // The outbound queue and the message trace (the worker starts with the server: `startServer`).
  const trace = createMessageTrace({
    database,
    retentionDays: config.trace.retentionDays,
    log: log.child({ component: 'trace' }),
  });
  const transport = createSmtpTransport({
    config: config.outbound,
    dns,
    hostname: config.hostname,
    log: log.child({ component: 'delivery' }),
  });
  const dkimSigner = createDkimSigner({ keys: dkimKeys, log: authLog });
  const queue = createQueueService({
    database,
    store,
    config: config.queue,
    hostname: config.hostname,
    transport,
    signer: dkimSigner,
    trace,
    log,
  });
  // Webhooks read the event log; their worker starts with the server (`startServer`).
  const webhooks = createWebhookService({
    database,
    directory,
    events,
    toCloudEvent,
    source: () => publicBaseUrl(config, options.httpPort?.() ?? config.httpPort),
    config: config.webhooks,
    log: log.child({ component: 'webhooks' }),
  });
  const uploads = createUploadStore({
    dir: join(config.dataDir, 'uploads'),
    maxSize: config.smtp.maxMessageSize,
    log: log.child({ component: 'uploads' }),
  });
  const mail = createMailService({
    uploads,
    store,
    directory,
    hostname: config.hostname,
    maxMessageSize: config.smtp.maxMessageSize,
    log: log.child({ component: 'mail' }),
    // Counters in this process's memory; several nodes would pass a Redis store (see limits/send-rate.ts).
    sendRate: createSendRateLimiter(config.sending),
    outbound: {
      plan: (input) => planOutbound({ ...input, maxAgeHours: config.queue.maxAgeHours }),
      enqueued: (rows) => queue.enqueued(rows),
    },
    trace,
    search: (userId, searchOptions) => searchMessages(database, userId, searchOptions),
    // The send API's messages pass the filter as submitted mail does.
    sendFilter: (start) => filter?.start(start),
    afterDelivery: (message) => afterDelivery(message),
  });
  const settingsStore = createSettingsStore(database.db);
  // Users' auto-replies and forwards are new messages: delivered or queued through the same mail service.
  const afterDelivery = createAfterDelivery({
    settings: settingsStore,
    directory,
    sendNew: createSendNew({
      mail,
      directory,
      hostname: config.hostname,
      maxMessageSize: config.smtp.maxMessageSize,
    }),
    readBody: (blobId) => store.blobs.read(blobId),
    deleteCopy: (address, id) => mail.deleteMessage(address, id),
    hostname: config.hostname,
    log: log.child({ component: 'settings' }),
  });
  const oauth = createOAuthService({
    db: database.db,
    directory,
    config: config.oauth,
    issuer: () => publicBaseUrl(config, options.httpPort?.() ?? config.httpPort),
    log: log.child({ component: 'oauth' }),
  });
  const loginGuard = createLoginGuard({ store: createMemoryBucketStore() });
  const sso = createSso({
    db: database.db,
    directory,
    config,
    log: log.child({ component: 'sso' }),
    loginGuard,
  });
  const isLocalDomain = (d: string) => directory.isLocalDomain(d);
  const rules = createRulesService(database.db);
  // Cached for RCPT (as the recipient cache, `smtp.recipientCacheMs`); the API's changes go through it.
  const groupPolicies = createCachedGroupPolicies(createGroupPolicies(database.db), {
    ttlMs: config.smtp.recipientCacheMs,
  });
  const filter = createEngineFilter({
    config,
    mail,
    directory,
    rules,
    groups: groupPolicies,
    spam,
    resolve: (name, rrtype) => dns.resolve(name, rrtype),
    senderHistory,
    readBody: (blobId) => store.blobs.read(blobId),
    trace,
    log: log.child({ component: 'filter' }),
  });
  return {
    config,
    database,
    store,
    directory,
    mail,
    dkimSigner,
    inboundAuth: createInboundAuth({
      config: config.mailAuth,
      resolve,
      hostname: config.hostname,
      isLocalDomain,
      log: authLog,
    }),
    domainMailAuth: createDomainMailAuth({
      keys: dkimKeys,
      // The records' check asks past the cache: an admin looks right after publishing.
      resolve: (name, rrtype) => dns.resolve(name, rrtype as DnsRecordType, { fresh: true }),
      hostname: config.hostname,
      mtaStsMode: config.mailAuth.mtaStsMode,
      isLocalDomain,
    }),
    oauth,
    sso,
    loginGuard,
    addressBook: createAddressBook(database.db),
    uploads,
    directorySync,
    idempotency: createIdempotencyStore(database.db),
    rules,
    groupPolicies,
    greylist: config.greylist.enabled
      ? createGreylist({
          db: database.db,
          settings: config.greylist,
          log: log.child({ component: 'greylist' }),
        })
      : undefined,
    filter,
    settings: createUserSettingsService({ store: settingsStore, directory }),
    quarantine: createQuarantineService({
      db: database.db,
      store,
      mail,
      directory,
      spam,
      maxMessageSize: config.smtp.maxMessageSize,
      log: log.child({ component: 'quarantine' }),
    }),
    queue,
    webhooks,
    trace,
    events,
    spam,
    junkLearner,
    search,
    async close() {
      oauth.stop();
      uploads.stop();
      await directorySync.stop();
      await queue.stop();
      await webhooks.stop();
      await events.close();
      await transport.close();
      await trace.stop();
      await junkLearner.idle();
      await search.stop();
      await store.close();
      await database.close();
    },
  };
}

const BOOTSTRAP_KEY = 'bootstrap';
/** How often expired sessions, login links, pending sign-ins and idempotency keys are deleted. */
const SWEEP_INTERVAL_MS = 10 * 60_000;
/** How often bodies a crash left behind are looked for (also once at start). */
const BLOB_SWEEP_INTERVAL_MS = 6 * 60 * 60_000;

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

type PortSetting =
  | 'smtpPort'
  | 'submissionPort'
  | 'httpPort'
  | 'pop3Port'
  | 'pop3sPort'
  | 'imapPort'
  | 'imapsPort';

/**
 * A listener that cannot bind is a setting to change, not a crash: names the
 * setting and how to set it (a port in use, a privileged port, a host that is
 * not this machine's). Other errors pass through.
 */
export function listenError(err: unknown, setting: PortSetting, host: string, port: number): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const how = (path: string) => {
    const info = listSettings().find((s) => s.path.join('.') === path);
    return info ? `${info.env} or --${info.flag}` : path;
  };
  if (code === 'EADDRNOTAVAIL')
    return new ConfigError(`host: ${host} is not an address of this machine; set another (${how('host')})`);
  const why =
    code === 'EADDRINUSE'
      ? 'is already in use'
      : code === 'EACCES'
        ? 'needs privileges this process lacks (ports below 1024 need root or CAP_NET_BIND_SERVICE)'
        : undefined;
  if (!why) return err;
  return new ConfigError(
    `${setting}: ${host}:${port} ${why}; choose another port (${how(setting)}), or 0 for a free one`,
  );
}

export interface RunningServer {
  engine: Engine;
  ports: {
    http: number;
    smtp: number;
    submission: number;
    pop3: number;
    pop3s: number;
    imap: number;
    imaps: number;
  };
  /** Set when this start initialised the data directory. */
  adminKey: string | null;
  stop(): Promise<void>;
}

/** Starts every listener; resolves when all are up (and /readyz says so). */
export async function startServer(config: Config, log: Logger): Promise<RunningServer> {
  let httpPort = config.httpPort;
  const engine = await buildEngine(config, log, { httpPort: () => httpPort });
  let ready = false;
  const { adminKey, tls } = await initDataDir(engine);
  await engine.oauth.start();
  const reverseLookup = createReverseLookup(config.smtp.reverseDnsTimeoutMs);
  const metrics = createMetrics();
  const smtp = (mode: 'mx' | 'submission'): SmtpListener =>
    createSmtpListener({
      mode,
      config,
      directory: engine.directory,
      mail: engine.mail,
      tls,
      reverseLookup,
      loginGuard: engine.loginGuard,
      // Submission relays remote recipients into the outbound queue.
      relay: true,
      metrics,
      mailAuth: engine.inboundAuth,
      groupPolicies: engine.groupPolicies,
      greylist: engine.greylist,
      trace: engine.trace,
      filter: engine.filter,
      log,
    });
  const webmailDir = findWebmailDist();
  if (!webmailDir) log.warn('the webmail is not built (pnpm build): nothing is served at /');
  const mx = smtp('mx');
  const submission = smtp('submission');
  // Signed-in IMAP/POP3 connections are sessions of the registry: "end sessions", a disabled user
  // or a changed password ends them within seconds.
  const connections = createConnectionSessions({ registry: engine.sso.sessions, log });
  const pop3 = createPop3Listeners({
    config,
    directory: engine.directory,
    store: engine.store,
    tls,
    loginGuard: engine.loginGuard,
    tracker: {
      open: (input, onEnd) => connections.open({ ...input, channel: 'pop3' }, onEnd),
    },
    log,
  });
  const imap = createImapListeners({
    config,
    directory: engine.directory,
    store: engine.store,
    mail: engine.mail,
    tls,
    loginGuard: engine.loginGuard,
    tracker: {
      open: (input, onEnd) => connections.open({ ...input, channel: 'imap' }, onEnd),
    },
    log,
  });
  // One tail per node follows the event log and fans it out to the SSE streams (events/stream).
  const eventStream = createEventHub({
    log: engine.events,
    source: () => publicBaseUrl(config, httpPort),
    heartbeatMs: config.sse.heartbeatSeconds * 1000,
    maxBufferedBytes: config.sse.maxBufferedBytes,
    maxStreamsPerCredential: config.sse.maxStreamsPerCredential,
    logger: log.child({ component: 'sse' }),
  });
  // Admin actions through the API, written in batches after each answer (audit/); pruned by the sweeper.
  const audit = createAuditLog({ db: engine.database.db, log: log.child({ component: 'audit' }) });
  const stats = createDashboardStats({
    db: engine.database.db,
    isReady: () => ready,
    hasDirectorySources: engine.directorySync.sources().length > 0,
  });
  const api = await createApiApp({
    audit,
    stats,
    eventStream,
    directory: engine.directory,
    mail: engine.mail,
    oauth: engine.oauth,
    sso: engine.sso,
    loginGuard: engine.loginGuard,
    addressBook: engine.addressBook,
    uploads: engine.uploads,
    directorySync: engine.directorySync,
    idempotency: engine.idempotency,
    queue: engine.queue,
    webhooks: engine.webhooks,
    trace: engine.trace,
    mailAuth: engine.domainMailAuth,
    rules: engine.rules,
    groupPolicies: engine.groupPolicies,
    quarantine: engine.quarantine,
    spam: engine.spam,
    events: engine.events,
    settings: engine.settings,
    scim: createScimService({ directory: engine.directory, settings: config.scim }),
    config,
    log: log.child({ component: 'api' }),
    isReady: () => ready,
    webmail: webmailDir ? { dir: webmailDir } : null,
    metrics,
  });

  const ports = { smtp: 0, submission: 0, http: 0, pop3: 0, pop3s: 0, imap: 0, imaps: 0 };
  const closeListeners = () =>
    Promise.allSettled([mx.close(), submission.close(), api.close(), pop3.close(), imap.close()]);
  const bind = async <T>(setting: PortSetting, listen: (port: number) => Promise<T>): Promise<T> => {
    try {
      return await listen(config[setting]);
    } catch (err) {
      // Whatever started before this listener is closed again: an embedder's process can go on.
      await closeListeners();
      connections.stop();
      await engine.close();
      throw listenError(err, setting, config.host, config[setting]);
    }
  };
  ports.smtp = await bind('smtpPort', (port) => mx.listen(port, config.host));
  ports.submission = await bind('submissionPort', (port) => submission.listen(port, config.host));
  await bind('httpPort', (port) => api.listen({ port, host: config.host }));
  const address = api.server.address();
  ports.http = typeof address === 'object' && address ? address.port : config.httpPort;
  httpPort = ports.http;
  ports.pop3 = await bind('pop3Port', (port) => pop3.pop3.listen(port, config.host));
  ports.pop3s = await bind('pop3sPort', (port) => pop3.pop3s.listen(port, config.host));
  ports.imap = await bind('imapPort', (port) => imap.imap.listen(port, config.host));
  ports.imaps = await bind('imapsPort', (port) => imap.imaps.listen(port, config.host));
  ready = true;
  const sweeper = setInterval(() => {
    engine.sso.sweep().catch((err) => log.warn({ err }, 'sso sweep failed'));
    engine.idempotency.sweep().catch((err) => log.warn({ err }, 'idempotency key sweep failed'));
    // Change-journal rows past their retention (30 days): QRESYNC clients older than that resync.
    engine.store.pruneJournal().catch((err) => log.warn({ err }, 'change journal prune failed'));
    // Events past `events.retentionDays`: a consumer whose cursor is older gets 410 and resyncs.
    engine.events
      .prune(Date.now(), config.events.retentionDays * 86_400_000)
      .catch((err) => log.warn({ err }, 'event log prune failed'));
    audit
      .prune(Date.now(), config.audit.retentionDays * 86_400_000)
      .catch((err) => log.warn({ err }, 'audit log prune failed'));
  }, SWEEP_INTERVAL_MS);
  sweeper.unref();
  let blobSweep: Promise<void> | undefined;
  // Stopping ends a sweep at its next page rather than waiting for it: on a large store it takes a while.
  const stopSweeping = new AbortController();
  const sweepBlobs = () => {
    blobSweep ??= engine.store
      .sweepBlobs(stopSweeping.signal)
      .then(
        (r) =>
          log[r.removed + r.tempRemoved + r.bodyRowsRemoved > 0 ? 'info' : 'debug'](
            r,
            'swept unreferenced bodies',
          ),
        (err) => log.warn({ err }, 'body file sweep failed'),
      )
      .finally(() => {
        blobSweep = undefined;
      });
  };
  sweepBlobs();
  const blobSweeper = setInterval(sweepBlobs, BLOB_SWEEP_INTERVAL_MS);
  blobSweeper.unref();
  engine.directorySync.startSchedule();
  engine.queue.start();
  engine.webhooks.start();
  engine.search.start();
  engine.uploads.start();
  log.info(
    {
      ports,
      host: config.host,
      dataDir: config.dataDir,
      engine: engine.database.engine,
      publicUrl: publicBaseUrl(config, ports.http),
    },
    'jdmail is ready',
  );
  for (const warning of startupWarnings(config)) log.warn(warning);

  let stopping: Promise<void> | undefined;
  return {
    engine,
    ports,
    adminKey,
    stop() {
      stopping ??= (async () => {
        ready = false;
        clearInterval(sweeper);
        clearInterval(blobSweeper);
        stopSweeping.abort();
        await Promise.all([closeListeners(), blobSweep]);
        await audit.close();
        connections.stop();
        await engine.close();
        log.info('jdmail stopped');
      })();
      return stopping;
    },
  };
}
