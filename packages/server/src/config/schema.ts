import { type Static, Type } from 'typebox';
import { MAX_QUOTA_BYTES } from '../shared/index.js';
import { AuditSchema } from './audit-schema.js';
import { DnsSchema } from './dns-schema.js';
import { EventsSchema } from './events-schema.js';
import { FilterSchema } from './filter-schema.js';
import { GreylistSchema } from './greylist-schema.js';
import { LdapSchema } from './ldap-schema.js';
import { MailAuthSchema } from './mail-auth-schema.js';
import { OutboundSchema } from './outbound-schema.js';
import { QueueSchema, TraceSchema } from './queue-schema.js';
import { ScimSchema } from './scim-schema.js';
import { SendingSchema } from './sending-schema.js';
import { SpamSchema } from './spam-schema.js';
import { SseSchema } from './sse-schema.js';
import { VirusSchema } from './virus-schema.js';
import { WebhooksSchema } from './webhooks-schema.js';
import { WidgetSchema } from './widget-schema.js';

const Port = (def: number, description: string) =>
  Type.Integer({ minimum: 0, maximum: 65535, default: def, description });

const ProviderId = Type.String({
  pattern: '^[a-z0-9][a-z0-9_-]{0,31}$',
  description: 'Short id in URLs: lower-case letters, digits, - and _',
});

/** One OpenID Connect provider (`sso.oidc[]`). */
export const OidcProviderSchema = Type.Object(
  {
    id: ProviderId,
    name: Type.String({ minLength: 1, maxLength: 64, description: 'Button text on the login page' }),
    issuer: Type.String({
      pattern: '^https?://',
      description: 'Issuer URL; its /.well-known/openid-configuration is read (http only for loopback)',
    }),
    clientId: Type.String({ minLength: 1 }),
    clientSecret: Type.String({ default: '', description: 'The client secret, or use clientSecretFile' }),
    clientSecretFile: Type.String({ default: '', description: 'File holding the client secret' }),
    tokenAuthMethod: Type.Union([Type.Literal('client_secret_basic'), Type.Literal('client_secret_post')], {
      default: 'client_secret_basic',
      description: 'How the client secret is sent to the token endpoint',
    }),
    scopes: Type.Array(Type.String({ pattern: '^[\\x21-\\x7e]+$' }), {
      default: ['openid', 'email', 'profile'],
      description: 'Scopes asked for; openid is always added',
    }),
    claim: Type.String({
      minLength: 1,
      default: 'email',
      description: 'ID token claim naming the mailbox: email, preferred_username or any other',
    }),
    domain: Type.String({
      default: '',
      description: 'Appended as @domain to claim values without an @ (e.g. preferred_username)',
    }),
    jit: Type.Object(
      {
        domain: Type.String({
          default: '',
          description: 'Create unknown users in this domain; empty: never',
        }),
        group: Type.String({ default: '', description: 'Department/group (id or name) new users join' }),
      },
      { default: {}, additionalProperties: false },
    ),
    postLogoutRedirect: Type.String({
      default: '',
      description: 'Where the IdP sends the browser after logout; empty: /login?error=signed_out here',
    }),
  },
  { additionalProperties: false },
);
export type OidcProviderConfig = Static<typeof OidcProviderSchema>;

/** One CAS server, protocol 3.0 (`sso.cas[]`). */
export const CasProviderSchema = Type.Object(
  {
    id: ProviderId,
    name: Type.String({ minLength: 1, maxLength: 64, description: 'Button text on the login page' }),
    url: Type.String({
      pattern: '^https?://',
      description: 'CAS base URL, e.g. https://cas.example.edu/cas',
    }),
    renew: Type.Boolean({
      default: false,
      description: 'Always ask for credentials (no CAS single sign-on)',
    }),
    gateway: Type.Boolean({
      default: false,
      description: 'Never show the CAS form: sign in only when CAS already has a session',
    }),
    format: Type.Union([Type.Literal('XML'), Type.Literal('JSON')], {
      default: 'XML',
      description: 'Validation response format (JSON needs CAS 5+)',
    }),
    userAttribute: Type.String({
      default: '',
      description: 'Attribute holding the mailbox address; empty = the CAS user name',
    }),
    domain: Type.String({ default: '', description: 'Appended as @domain to values without an @' }),
    timeoutMs: Type.Integer({ minimum: 100, default: 5000, description: 'Ticket validation timeout' }),
    logoutFrom: Type.Array(Type.String(), {
      default: [],
      description: 'IP addresses allowed to send single-logout requests; empty = any',
    }),
  },
  { additionalProperties: false },
);
export type CasProviderConfig = Static<typeof CasProviderSchema>;

/**
 * Every setting of jdmail, with its default. Each leaf can be given in the
 * JSON config file (`JDMAIL_CONFIG`), as env `JDMAIL_<PATH>` (camelCase →
 * SNAKE_CASE, nesting joined with `_`: `smtp.maxMessageSize` →
 * `JDMAIL_SMTP_MAX_MESSAGE_SIZE`) or as a flag (`--smtp-max-message-size`).
 * Precedence: flag > env > file > default. Port 0 picks a free port.
 */
export const ConfigSchema = Type.Object(
  {
    dataDir: Type.String({
      minLength: 1,
      default: './data',
      description: 'Directory holding everything of one install',
    }),
    hostname: Type.String({
      default: '',
      description:
        'Fully qualified name used in SMTP greetings, Received headers and Message-IDs (default: the machine name, from /etc/hosts when the host name has no dot)',
    }),
    host: Type.String({ minLength: 1, default: '0.0.0.0', description: 'Address every listener binds to' }),
    databaseUrl: Type.String({
      default: '',
      description: 'postgres://… to use PostgreSQL; empty for the embedded SQLite database in the data dir',
    }),
    httpPort: Port(8080, 'REST API, OpenAPI docs, health'),
    smtpPort: Port(2525, 'SMTP MX listener (inbound mail for local domains)'),
    submissionPort: Port(2587, 'SMTP submission listener (AUTH, STARTTLS)'),
    pop3Port: Port(2110, 'POP3 listener (STLS)'),
    pop3sPort: Port(2995, 'POP3 over implicit TLS (POP3S)'),
    imapPort: Port(2143, 'IMAP listener (STARTTLS)'),
    imapsPort: Port(2993, 'IMAP over implicit TLS (IMAPS)'),
    log: Type.Object(
      {
        level: Type.Union(
          ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
          { default: 'info', description: 'Log level' },
        ),
      },
      { default: {}, additionalProperties: false },
    ),
    smtp: Type.Object(
      {
        maxMessageSize: Type.Integer({
          minimum: 1024,
          default: 100 * 1024 * 1024,
          description: 'Largest message accepted, in bytes (advertised with SIZE, enforced while streaming)',
        }),
        maxRecipients: Type.Integer({ minimum: 1, default: 100, description: 'Recipients per message' }),
        maxClients: Type.Integer({
          minimum: 1,
          default: 1000,
          description: 'Concurrent SMTP connections per listener',
        }),
        socketTimeoutMs: Type.Integer({
          minimum: 1000,
          default: 120_000,
          description: 'Idle SMTP session timeout',
        }),
        maxConnectionsPerIp: Type.Integer({
          minimum: 0,
          default: 50,
          description:
            'Concurrent connections one client may hold on each SMTP listener (an IPv4 address; an IPv6 /64); more get 421 4.7.0. 0 = no limit',
        }),
        limitsExempt: Type.String({
          default: '',
          description:
            'Comma-separated client addresses/CIDRs not counted by maxConnectionsPerIp (an internal relay, a NAT gateway of many users); the deadlines still apply',
        }),
        commandTimeoutMs: Type.Integer({
          minimum: 1000,
          default: 60_000,
          description:
            'Time a command line (or a STARTTLS handshake) may take to arrive from its first byte, and the longest pause within DATA; trickled bytes do not extend it. Too slow: 421 4.4.2',
        }),
        minDataRate: Type.Integer({
          minimum: 1,
          default: 500,
          description:
            'Bytes per second a message must arrive at during DATA: each byte buys 1/minDataRate s, up to commandTimeoutMs ahead. Slower: 421 4.4.2',
        }),
        maxSessionMs: Type.Integer({
          minimum: 0,
          default: 30 * 60_000,
          description:
            'A session older than this is closed (421 4.4.2) as soon as it is between commands; a message being sent (DATA) always finishes first. 0 = no limit',
        }),
        proxyProtocol: Type.String({
          default: '',
          description:
            'Comma-separated addresses/CIDRs of TCP proxies that send a PROXY protocol v1 header: their sessions are the client’s address the header names. Empty: none',
        }),
        reverseDnsTimeoutMs: Type.Integer({
          minimum: 0,
          default: 1500,
          description: 'Longest wait for a PTR lookup of a client; 0 disables lookups',
        }),
        recipientCacheMs: Type.Integer({
          minimum: 0,
          maximum: 60_000,
          default: 1000,
          description:
            'How long an RCPT lookup that found a mailbox (its users and their quota use) is reused before the database is asked again. Changes made through this server (API, LDAP sync, its own deliveries) apply at once; changes by the CLI or another node show within this time. 0 = ask every time',
        }),
        checkFromHeader: Type.Boolean({
          default: true,
          description:
            'Submission refuses a message whose From or Sender header names an address that is not the signed-in user’s own or alias (550 5.7.1)',
        }),
        tlsCertFile: Type.String({
          default: '',
          description:
            'PEM certificate of every listener (SMTP STARTTLS, POP3 STLS and POP3S, IMAP STARTTLS and IMAPS); empty uses the self-signed one made at init',
        }),
        tlsKeyFile: Type.String({ default: '', description: 'PEM private key for tlsCertFile' }),
      },
      { default: {}, additionalProperties: false },
    ),
    imap: Type.Object(
      {
        allowPlaintextAuth: Type.String({
          default: '127.0.0.0/8,::1',
          description:
            'Clients that may log in (LOGIN, AUTHENTICATE) without TLS: comma-separated addresses/CIDRs; default loopback only; empty: nobody. Everyone else sees LOGINDISABLED and must use IMAPS or STARTTLS first',
        }),
        maxConnectionsPerIp: Type.Integer({
          minimum: 0,
          default: 100,
          description:
            'Concurrent connections one client may hold on each IMAP listener (an IPv4 address; an IPv6 /64); more get * BYE. Mail clients open several each. 0 = no limit',
        }),
        maxSessionsPerUser: Type.Integer({
          minimum: 0,
          default: 50,
          description:
            'Logged-in IMAP sessions one user may hold at once (both listeners); more get NO [LIMIT]. 0 = no limit',
        }),
        loginTimeoutMs: Type.Integer({
          minimum: 1000,
          default: 60_000,
          description: 'A connection that has not logged in after this long is closed (* BYE)',
        }),
        idleTimeoutMs: Type.Integer({
          minimum: 1000,
          default: 30 * 60_000,
          description:
            'A logged-in session that sends no command for this long, or stays in IDLE this long, is closed (* BYE); RFC 9051 asks for at least 30 minutes',
        }),
        idleKeepaliveMs: Type.Integer({
          minimum: 1000,
          default: 2 * 60_000,
          description:
            'How often a session in IDLE hears "* OK Still here", so NAT devices keep the connection',
        }),
        commandTimeoutMs: Type.Integer({
          minimum: 1000,
          default: 60_000,
          description:
            'Time a command line (or a TLS handshake) may take to arrive from its first byte; a literal must arrive at 500 bytes/s or more. Too slow: * BYE',
        }),
      },
      { default: {}, additionalProperties: false },
    ),
    pop3: Type.Object(
      {
        allowPlaintextAuth: Type.String({
          default: '127.0.0.0/8,::1',
          description:
            'Clients that may sign in (USER/PASS, AUTH) without TLS: comma-separated addresses/CIDRs; default loopback only; empty: nobody. Everyone else must use POP3S or STLS first',
        }),
        maxConnectionsPerIp: Type.Integer({
          minimum: 0,
          default: 50,
          description:
            'Concurrent connections one client may hold on each POP3 listener (an IPv4 address; an IPv6 /64); more get -ERR [SYS/TEMP]. 0 = no limit',
        }),
        maxSessionsPerUser: Type.Integer({
          minimum: 0,
          default: 10,
          description:
            'Signed-in POP3 sessions one user may hold at once (both listeners); more get -ERR [IN-USE]. 0 = no limit',
        }),
        idleTimeoutMs: Type.Integer({
          minimum: 1000,
          default: 10 * 60_000,
          description:
            'A session that sends no command (or reads nothing of a response) for this long is closed; RFC 1939 asks for at least 10 minutes',
        }),
        commandTimeoutMs: Type.Integer({
          minimum: 1000,
          default: 60_000,
          description:
            'Time a command line (or a TLS handshake) may take to arrive from its first byte; trickled bytes do not extend it. Too slow: -ERR and close',
        }),
      },
      { default: {}, additionalProperties: false },
    ),
    store: Type.Object(
      {
        maxBatch: Type.Integer({
          minimum: 1,
          maximum: 1024,
          default: 64,
          description: 'Most deliveries made durable by one group commit',
        }),
        inlineBodyMaxBytes: Type.Integer({
          minimum: 0,
          maximum: 16 * 1024 * 1024,
          default: 128 * 1024,
          description:
            'Largest message body kept in memory while it arrives and stored in the database, committed with its index rows; larger ones stream to files under blobs/. 0 = always files',
        }),
        defaultQuotaBytes: Type.Integer({
          minimum: 0,
          maximum: MAX_QUOTA_BYTES,
          default: 2 * 1024 * 1024 * 1024,
          description: 'Quota of a new user unless given; 0 = unlimited; at most 1 PiB (2^50)',
        }),
      },
      { default: {}, additionalProperties: false },
    ),
    api: Type.Object(
      {
        bodyLimit: Type.Integer({
          minimum: 1024,
          default: 26 * 1024 * 1024,
          description:
            'Largest request body of the API routes that take big ones: the send API (attachments as base64)',
        }),
        defaultBodyLimit: Type.Integer({
          minimum: 1024,
          default: 1024 * 1024,
          description:
            'Largest request body of every other authenticated API route (routes open to anyone, such as sign-in, take a few KB)',
        }),
        docs: Type.Boolean({ default: true, description: 'Serve Swagger UI at /docs' }),
      },
      { default: {}, additionalProperties: false },
    ),
    oauth: Type.Object(
      {
        tokenLifetimeSeconds: Type.Integer({
          minimum: 60,
          maximum: 3600,
          default: 600,
          description: 'Lifetime of an app access token (OAuth client credentials), 60 s to 1 h',
        }),
        signingAlgorithm: Type.Union([Type.Literal('EdDSA'), Type.Literal('ES256')], {
          default: 'EdDSA',
          description: 'JWS algorithm of new signing keys: EdDSA (Ed25519) or ES256 (P-256)',
        }),
        keyRotationHours: Type.Integer({
          minimum: 0,
          default: 720,
          description:
            'Make a new signing key when the current one is this old; old keys verify until their tokens expire. 0: only by `jdmail keys rotate`',
        }),
      },
      { default: {}, additionalProperties: false },
    ),
    http: Type.Object(
      {
        publicUrl: Type.String({
          default: '',
          pattern: '^(https?://[^/?#\\s]+)?$',
          description:
            "The URL users reach jdmail at (https://mail.example.com, no path): the base of login links and SSO callbacks and the issuer of app tokens; empty: each request's own URL (app tokens: http://<hostname>:<httpPort>)",
        }),
        trustProxy: Type.String({
          default: '',
          description:
            "Trust X-Forwarded-For/-Proto/-Host from a reverse proxy: 'true' (any), a hop count, or comma-separated proxy addresses/CIDRs; empty trusts none",
        }),
      },
      { default: {}, additionalProperties: false },
    ),
    metrics: Type.Object(
      {
        allowFrom: Type.String({
          default: '127.0.0.0/8,::1',
          description:
            'Who may read the Prometheus metrics at GET /metrics: comma-separated client addresses or CIDRs (the connecting address, never X-Forwarded-For); empty: nobody',
        }),
      },
      { default: {}, additionalProperties: false },
    ),
    sessions: Type.Object(
      {
        idleSeconds: Type.Integer({
          minimum: 60,
          default: 2 * 3600,
          description: 'A web session ends after this long without a request',
        }),
        maxSeconds: Type.Integer({
          minimum: 300,
          default: 12 * 3600,
          description: 'A web session ends this long after sign-in, used or not',
        }),
      },
      { default: {}, additionalProperties: false },
    ),
    sso: Type.Object(
      {
        passwordLogin: Type.Boolean({
          default: true,
          description: 'Offer address + password sign-in on the webmail login page (false: SSO only)',
        }),
        oidc: Type.Array(OidcProviderSchema, {
          default: [],
          description: 'OpenID Connect identity providers (JSON array; see the README section on OIDC)',
        }),
        cas: Type.Array(CasProviderSchema, {
          default: [],
          description: 'CAS 3.0 servers users may sign in with (JSON array; see the README section on CAS)',
        }),
      },
      { default: {}, additionalProperties: false },
    ),
    ldap: LdapSchema,
    sending: SendingSchema,
    queue: QueueSchema,
    trace: TraceSchema,
    dns: DnsSchema,
    outbound: OutboundSchema,
    mailAuth: MailAuthSchema,
    filter: FilterSchema,
    spam: SpamSchema,
    virus: VirusSchema,
    greylist: GreylistSchema,
    sse: SseSchema,
    events: EventsSchema,
    audit: AuditSchema,
    scim: ScimSchema,
    webhooks: WebhooksSchema,
    widget: WidgetSchema,
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
