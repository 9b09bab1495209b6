import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { AuditLog } from '../audit/index.js';
import type { Config } from '../config/index.js';
import type { AddressBook, Directory } from '../directory/index.js';
import type { EventHub, EventLog } from '../events/index.js';
import type { WebhookService } from '../events/webhooks/index.js';
import type { GroupPolicies, QuarantineService, RulesService, SpamClassifier } from '../filter/index.js';
import type { IdempotencyStore } from '../idempotency/index.js';
import type { DirectorySync } from '../ldap/index.js';
import { type LoginGuard, parseAddressList } from '../limits/index.js';
import type { MailService, UploadStore } from '../mail/index.js';
import type { DomainMailAuth } from '../mail-auth/index.js';
import type { OAuthService } from '../oauth/index.js';
import type { QueueService } from '../queue/index.js';
import type { ScimService } from '../scim/index.js';
import type { UserSettingsService } from '../settings/index.js';
import type { Sso } from '../sso/index.js';
import type { DashboardStatsService } from '../stats/index.js';
import type { Logger, Metrics } from '../telemetry/index.js';
import type { MessageTrace } from '../trace/index.js';
import { installAuditLog } from './audit/install.js';
import { installAuth } from './auth/index.js';
import { installBodyParsing, PUBLIC_BODY_LIMIT } from './body/install.js';
import { docsUiOptions } from './docs/brand.js';
import { errorsPageRoute } from './docs/errors-page.js';
import { installErrorHandling } from './errors/install.js';
import { swaggerOptions } from './openapi/document.js';
import { webAuthRoutes } from './routes/auth/index.js';
import { healthRoutes } from './routes/health.js';
import { tokenRoute } from './routes/oauth/token.js';
import { openapiRoute } from './routes/openapi-json.js';
import { scimRoutes } from './routes/scim/index.js';
import { v1Routes } from './routes/v1/index.js';
import { wellKnownRoutes } from './routes/well-known.js';
import { MODELS } from './schemas/index.js';
import { buildSerializerFactory } from './serializers.js';
import { buildValidatorFactory } from './validation/compiler.js';
import { type WebmailOptions, webmailRoutes } from './webmail/routes.js';

/** What the API needs; `main.ts` passes the real services, tests pass fakes. */
export interface ApiDeps {
  directory: Directory;
  mail: MailService;
  /** App tokens: registered apps, the token endpoint, JWKS, and verification of Bearer JWTs. */
  oauth: OAuthService;
  config: Pick<Config, 'api'> & Partial<Pick<Config, 'http' | 'metrics' | 'widget'>>;
  /** Served at `/metrics` (to `config.metrics.allowFrom`), and fed with HTTP request counts and times. */
  metrics?: Metrics;
  /**
   * Web sign-in: sessions, the `/auth` routes, login links, and the session
   * cookie on `/api/v1`. Without it the API takes API keys and Basic only.
   */
  sso?: Sso;
  /** The global address book (its routes answer 503 without it). */
  addressBook?: AddressBook;
  /** Directory (LDAP/AD) sync jobs (their routes answer 503 without it). */
  directorySync?: DirectorySync;
  /** Outcomes of sends made with an `Idempotency-Key`; without it the header is refused (503). */
  idempotency?: IdempotencyStore;
  /** The outbound queue (its routes answer 503 without it). */
  queue?: QueueService;
  /** Message traces (`GET /messages/trace` answers 503 without them). */
  trace?: MessageTrace;
  /** DNS records and DKIM keys of domains (their routes answer 503 without it). */
  mailAuth?: DomainMailAuth;
  /** Filter rule sets (their routes answer 503 without it). */
  rules?: RulesService;
  /** Group mail policies (their routes answer 503 without it). */
  groupPolicies?: GroupPolicies;
  /** Messages the filter held; without it the quarantine routes answer 503. */
  quarantine?: QuarantineService;
  /** The spam classifier (`POST /spam/train` answers 503 without it). */
  spam?: SpamClassifier;
  /** The SSE fan-out (`GET /events/stream` answers 503 without it). */
  eventStream?: EventHub;
  /** The event log (`GET /events` answers 503 without it). */
  events?: EventLog;
  /** The SCIM 2.0 server at `/scim/v2` (not served without it). */
  scim?: ScimService;
  /** Webhook endpoints and deliveries (their routes answer 503 without it). */
  webhooks?: WebhookService;
  /** Users' own settings (their routes answer 503 without it). */
  settings?: UserSettingsService;
  /** The admin audit log: every state-changing request is recorded in it (and `GET /audit` reads it). */
  audit?: AuditLog;
  /** The dashboard's numbers (`GET /stats` answers 503 without them). */
  stats?: DashboardStatsService;
  /** Files uploaded for sends and drafts (their routes answer 503 without it). */
  uploads?: UploadStore;
  /** The API's logger (main.ts passes a `{ component: 'api' }` child). */
  log: Logger;
  /** True once every listener is up (drives `/readyz`). */
  isReady: () => boolean;
  /**
   * The login guard every listener shares (limits/): budgets for Basic
   * passwords and for wrong keys and tokens, the token endpoint's included.
   */
  loginGuard: LoginGuard;
  /** The built webmail to serve at `/` (`findWebmailDist()`); none when null or absent. */
  webmail?: WebmailOptions | null;
}

/**
 * Builds the REST API (not listening; `main.ts` listens and closes it). The
 * plugin tree loads in a fixed order: external plugins (OpenAPI, docs) →
 * errors and auth → routes. The app is encapsulation-free at the root so the
 * error handler, auth hook and shared models apply to every route.
 */
export async function createApiApp(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast keeps the instance's default generics.
    loggerInstance: deps.log as FastifyBaseLogger,
    // Requests to no route; every route gets its own limit from installBodyParsing.
    bodyLimit: PUBLIC_BODY_LIMIT,
    // Unknown properties are an error (422), not silently dropped: a typo in a PATCH must not pass.
    ajv: { customOptions: { removeAdditional: false } },
    routerOptions: { ignoreTrailingSlash: true },
    trustProxy: parseTrustProxy(deps.config.http?.trustProxy ?? ''),
    schemaController: {
      compilersFactory: {
        buildValidator: buildValidatorFactory(),
        buildSerializer: buildSerializerFactory(),
      },
    },
  });

  await app.register(swagger, swaggerOptions);
  if (deps.config.api.docs) await app.register(swaggerUi, docsUiOptions);
  // Every problem's `type` links here, so it is served whether or not the docs are.
  await app.register(errorsPageRoute);

  for (const model of MODELS) app.addSchema(model);
  installBodyParsing(
    app,
    { defaultLimit: deps.config.api.defaultBodyLimit, largeLimit: deps.config.api.bodyLimit },
    deps.log,
  );
  installErrorHandling(app);
  // Parses cookies on onRequest, before the auth hook below reads the session cookie.
  await app.register(cookie);
  installAuth(app, {
    directory: deps.directory,
    loginGuard: deps.loginGuard,
    appTokens: deps.oauth,
    sessions: deps.sso?.sessions,
  });
  // Before any route is registered, so every route (SCIM's too) gets the hooks.
  if (deps.audit) installAuditLog(app, deps.audit, deps.log);

  const publicUrl = deps.config.http?.publicUrl ?? '';
  if (deps.metrics) countRequests(app, deps.metrics);
  await app.register(healthRoutes, {
    isReady: deps.isReady,
    metrics: deps.metrics,
    metricsAllowed: parseAddressList(deps.config.metrics?.allowFrom ?? ''),
  });
  await app.register(openapiRoute);
  await app.register(wellKnownRoutes, { oauth: deps.oauth });
  await app.register(tokenRoute, { prefix: '/api/v1', oauth: deps.oauth, loginGuard: deps.loginGuard });
  if (deps.sso) await app.register(webAuthRoutes, { sso: deps.sso, directory: deps.directory, publicUrl });
  await app.register(v1Routes, {
    prefix: '/api/v1',
    directory: deps.directory,
    mail: deps.mail,
    oauth: deps.oauth,
    sso: deps.sso,
    publicUrl,
    addressBook: deps.addressBook,
    directorySync: deps.directorySync,
    idempotency: deps.idempotency,
    queue: deps.queue,
    trace: deps.trace,
    mailAuth: deps.mailAuth,
    rules: deps.rules,
    groupPolicies: deps.groupPolicies,
    quarantine: deps.quarantine,
    spam: deps.spam,
    eventStream: deps.eventStream,
    events: deps.events,
    webhooks: deps.webhooks,
    widget: deps.config.widget,
    settings: deps.settings,
    audit: deps.audit,
    stats: deps.stats,
    uploads: deps.uploads,
  });
  if (deps.scim) await app.register(scimRoutes, { prefix: '/scim/v2', scim: deps.scim, publicUrl });
  if (deps.webmail) await app.register(webmailRoutes, deps.webmail);
  return app;
}

/** Counts every answered request by its route pattern (never the path: addresses must not become labels). */
function countRequests(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const labels = { method: request.method, route };
    metrics.httpRequests.inc({ ...labels, status: String(reply.statusCode) });
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
  });
}

/**
 * `http.trustProxy` → fastify's `trustProxy`: empty trusts no proxy (the
 * socket's address and scheme are the client's), `true` trusts any, a number
 * trusts that many hops, else a list of proxy addresses/CIDRs.
 */
export function parseTrustProxy(value: string): boolean | string[] | ((ip: string, hop: number) => boolean) {
  const v = value.trim();
  if (v === '' || v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    return (_ip, hop) => hop < hops;
  }
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
