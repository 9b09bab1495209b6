import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AuditLog } from '../../../audit/index.js';
import type { WidgetConfig } from '../../../config/index.js';
import type { AddressBook, Directory } from '../../../directory/index.js';
import type { EventHub, EventLog } from '../../../events/index.js';
import type { WebhookService } from '../../../events/webhooks/index.js';
import type {
  GroupPolicies,
  QuarantineService,
  RulesService,
  SpamClassifier,
} from '../../../filter/index.js';
import type { IdempotencyStore } from '../../../idempotency/index.js';
import type { DirectorySync } from '../../../ldap/index.js';
import type { MailService, UploadStore } from '../../../mail/index.js';
import type { DomainMailAuth } from '../../../mail-auth/index.js';
import type { OAuthService } from '../../../oauth/index.js';
import type { QueueService } from '../../../queue/index.js';
import type { UserSettingsService } from '../../../settings/index.js';
import type { Sso } from '../../../sso/index.js';
import type { DashboardStatsService } from '../../../stats/index.js';
import type { MessageTrace } from '../../../trace/index.js';

/** The services the v1 routes call; routes hold no logic of their own beyond access checks. */
export interface V1Deps {
  directory: Directory;
  mail: MailService;
  oauth: OAuthService;
  /** Sessions and login links; their routes exist only with it. */
  sso?: Sso;
  /** `http.publicUrl`; empty: taken from each request. */
  publicUrl: string;
  /** The global address book; without it its routes answer 503. */
  addressBook?: AddressBook;
  /** Directory (LDAP/AD) sync jobs; without it their routes answer 503. */
  directorySync?: DirectorySync;
  /** Outcomes of sends made with an `Idempotency-Key`. */
  idempotency?: IdempotencyStore;
  /** The outbound queue; without it the queue routes answer 503. */
  queue?: QueueService;
  /** Message traces; without them the trace route answers 503. */
  trace?: MessageTrace;
  /** DNS records and DKIM keys of domains; without it their routes answer 503. */
  mailAuth?: DomainMailAuth;
  /** Filter rule sets; without it their routes answer 503. */
  rules?: RulesService;
  /** Group mail policies and group lookups; without it their routes answer 503. */
  groupPolicies?: GroupPolicies;
  /** Messages the filter held; without it the quarantine routes answer 503. */
  quarantine?: QuarantineService;
  /** The spam classifier (`POST /spam/train`); without it the route answers 503. */
  spam?: SpamClassifier;
  /** The SSE fan-out; without it `GET /events/stream` answers 503. */
  eventStream?: EventHub;
  /** The event log (`GET /events`); without it the route answers 503. */
  events?: EventLog;
  /** Webhook endpoints and their deliveries; without it their routes answer 503. */
  webhooks?: WebhookService;
  /** `widget.*` settings (widget token lifetime); defaults without them. */
  widget?: WidgetConfig;
  /** Users' own settings (signature, auto-reply, forwarding); without it their routes answer 503. */
  settings?: UserSettingsService;
  /** The admin audit log (`GET /audit`); without it the route answers 503. */
  audit?: AuditLog;
  /** The dashboard's numbers (`GET /stats`); without them the route answers 503. */
  stats?: DashboardStatsService;
  /** Files uploaded for sends and drafts; without it the upload routes answer 503. */
  uploads?: UploadStore;
}

/** A v1 resource plugin: gets the services, registers its routes. */
export type V1Plugin = FastifyPluginAsyncTypebox<V1Deps>;
