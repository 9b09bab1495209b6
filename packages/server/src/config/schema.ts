import { type Static, Type } from 'typebox';
import { LdapSchema } from './ldap-schema.js';

const Port = (def: number, description: string) =>
  Type.Integer({ minimum: 0, maximum: 65535, default: def, description });

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
      description: 'Name used in SMTP greetings and Received headers (default: the machine name)',
    }),
    host: Type.String({ minLength: 1, default: '0.0.0.0', description: 'Address every listener binds to' }),
    databaseUrl: Type.String({
      default: '',
      description: 'postgres://… to use PostgreSQL; empty for the embedded SQLite database in the data dir',
    }),
    httpPort: Port(8080, 'REST API, OpenAPI docs, health'),
    smtpPort: Port(2525, 'SMTP MX listener (inbound mail for local domains)'),
    submissionPort: Port(2587, 'SMTP submission listener (AUTH, STARTTLS)'),
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
        reverseDnsTimeoutMs: Type.Integer({
          minimum: 0,
          default: 1500,
          description: 'Longest wait for a PTR lookup of a client; 0 disables lookups',
        }),
        tlsCertFile: Type.String({
          default: '',
          description: 'PEM certificate; empty uses the self-signed one made at init',
        }),
        tlsKeyFile: Type.String({ default: '', description: 'PEM private key for tlsCertFile' }),
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
        defaultQuotaBytes: Type.Integer({
          minimum: 0,
          default: 2 * 1024 * 1024 * 1024,
          description: 'Quota of a new user unless given; 0 = unlimited',
        }),
      },
      { default: {}, additionalProperties: false },
    ),
    api: Type.Object(
      {
        bodyLimit: Type.Integer({
          minimum: 1024,
          default: 26 * 1024 * 1024,
          description: 'Largest API request body',
        }),
        docs: Type.Boolean({ default: true, description: 'Serve Swagger UI at /docs' }),
      },
      { default: {}, additionalProperties: false },
    ),
    ldap: LdapSchema,
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
