import { type ClientOptions, HttpClient } from './http.js';
import { Admin } from './resources/admin.js';
import { ApiKeys } from './resources/api-keys.js';
import { Apps } from './resources/apps.js';
import { Directory } from './resources/directory.js';
import { Domains } from './resources/domains.js';
import { Events } from './resources/events.js';
import { Filter } from './resources/filter.js';
import { Groups } from './resources/groups.js';
import { Mail } from './resources/mail.js';
import { Quarantine } from './resources/quarantine.js';
import { Queue } from './resources/queue.js';
import { Settings } from './resources/settings.js';
import { Sso } from './resources/sso.js';
import { Users } from './resources/users.js';
import { Webhooks } from './resources/webhooks.js';
import { WidgetTokens } from './resources/widget-tokens.js';

/**
 * The jdmail REST API v1 client.
 *
 * ```ts
 * const jd = new JdMail({ baseUrl: 'https://mail.example.com', token: process.env.JDMAIL_KEY! });
 * await jd.users.create({ address: 'alice@example.com', displayName: 'Alice' });
 * const { unread } = await jd.mail.unreadCount('alice@example.com');
 * ```
 *
 * An integration registered as an app authenticates with its client
 * credentials instead; the client fetches, caches and renews app tokens:
 *
 * ```ts
 * const jd = new JdMail({ baseUrl, clientId: 'jdc_…', clientSecret: process.env.JDMAIL_CLIENT_SECRET! });
 * ```
 *
 * Failures throw a {@link JdMailError} subclass. 429 and 503 answers are
 * retried (honouring `Retry-After`), as are network errors of idempotent calls.
 */
export class JdMail {
  readonly domains: Domains;
  readonly users: Users;
  readonly groups: Groups;
  readonly mail: Mail;
  readonly apps: Apps;
  /** API keys: make, list, rotate with a grace period, revoke. */
  readonly apiKeys: ApiKeys;
  readonly sso: Sso;
  readonly directory: Directory;
  /** Filter rules (global and personal, with a dry run) and groups' mail policies. */
  readonly filter: Filter;
  /** The outbound queue and message traces, for operators. */
  readonly queue: Queue;
  /** Messages the filter held, for operators. */
  readonly quarantine: Quarantine;
  /** The event log: every change as a CloudEvent, by cursor. */
  readonly events: Events;
  /** Webhook endpoints, their secrets and delivery attempts. Verify deliveries with `verifyWebhook`. */
  readonly webhooks: Webhooks;
  /** Tokens of the `<jdmail-inbox>` widget, minted by a portal's backend. */
  readonly widgetTokens: WidgetTokens;
  /** A user's own settings: signature, language, auto-reply, forwarding; password change, other sessions. */
  readonly settings: Settings;
  /** The admin console's views: the audit log and the dashboard's numbers. */
  readonly admin: Admin;

  constructor(options: ClientOptions) {
    const http = new HttpClient(options);
    this.domains = new Domains(http);
    this.users = new Users(http);
    this.groups = new Groups(http);
    this.mail = new Mail(http);
    this.apps = new Apps(http);
    this.apiKeys = new ApiKeys(http);
    this.sso = new Sso(http);
    this.directory = new Directory(http);
    this.filter = new Filter(http);
    this.queue = new Queue(http);
    this.quarantine = new Quarantine(http);
    this.events = new Events(http);
    this.webhooks = new Webhooks(http);
    this.widgetTokens = new WidgetTokens(http);
    this.settings = new Settings(http);
    this.admin = new Admin(http);
  }
}
