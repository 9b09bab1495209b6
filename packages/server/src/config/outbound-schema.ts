import { type Static, Type } from 'typebox';

/** `outbound.relay`: a smarthost every outbound message goes through instead of the recipients' MX. */
export const RelaySchema = Type.Object(
  {
    host: Type.String({
      default: '',
      description: "Smarthost name or IP (empty: deliver to each domain's MX directly)",
    }),
    port: Type.Integer({ minimum: 1, maximum: 65_535, default: 587, description: 'Smarthost port' }),
    implicitTls: Type.Boolean({
      default: false,
      description: 'TLS from the first byte (port 465); false: STARTTLS on a plain connection',
    }),
    requireTls: Type.Boolean({
      default: true,
      description: "Refuse to send unless the smarthost's TLS certificate verifies for its host name",
    }),
    user: Type.String({ default: '', description: 'SMTP AUTH user at the smarthost (empty: no AUTH)' }),
    password: Type.String({
      default: '',
      description: 'SMTP AUTH password (never logged); prefer passwordEnv',
    }),
    passwordEnv: Type.String({
      default: '',
      pattern: '^([A-Za-z_][A-Za-z0-9_]*)?$',
      description: 'Name of an environment variable holding the SMTP AUTH password',
    }),
  },
  { default: {}, additionalProperties: false },
);

export type RelayConfig = Static<typeof RelaySchema>;

/** `outbound`: how jdmail delivers to other mail servers (RFC 5321 §5 MX delivery, or a smarthost). */
export const OutboundSchema = Type.Object(
  {
    port: Type.Integer({
      minimum: 1,
      maximum: 65_535,
      default: 25,
      description: 'Port remote MX hosts are reached on (25; tests point it elsewhere)',
    }),
    heloName: Type.String({
      default: '',
      description: 'Name jdmail gives in EHLO (default: the server hostname)',
    }),
    ipFamily: Type.Union([Type.Literal('any'), Type.Literal('ipv4'), Type.Literal('ipv6')], {
      default: 'any',
      description: 'Address families to deliver over: any (IPv6 and IPv4 addresses of each MX), ipv4 or ipv6',
    }),
    maxConnectionsPerDomain: Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 10,
      description: 'Connections open at once to one destination domain (or to the smarthost)',
    }),
    maxConnections: Type.Integer({
      minimum: 1,
      maximum: 100_000,
      default: 200,
      description: 'Outbound connections open at once in all',
    }),
    connectTimeoutMs: Type.Integer({ minimum: 100, default: 30_000, description: 'TCP connect timeout' }),
    greetingTimeoutMs: Type.Integer({
      minimum: 100,
      default: 300_000,
      description: 'Wait for the 220 greeting (RFC 5321 §4.5.3.2.1: 5 minutes)',
    }),
    socketTimeoutMs: Type.Integer({
      minimum: 100,
      default: 600_000,
      description:
        'Inactivity on an open connection before it is given up (RFC 5321 §4.5.3.2: up to 10 minutes)',
    }),
    idleTimeoutMs: Type.Integer({
      minimum: 0,
      default: 10_000,
      description:
        'How long an idle connection is kept open for the next message to the same host (0: close at once)',
    }),
    maxMessagesPerConnection: Type.Integer({
      minimum: 1,
      default: 100,
      description: 'Messages sent over one connection before it is closed and a new one opened',
    }),
    mtaSts: Type.Boolean({
      default: true,
      description:
        "Honour receiving domains' MTA-STS policies (RFC 8461): in enforce mode, send only to listed MX hosts over verified TLS",
    }),
    mtaStsPort: Type.Integer({
      minimum: 1,
      maximum: 65_535,
      default: 443,
      description: 'HTTPS port MTA-STS policies are fetched from (443; tests point it elsewhere)',
    }),
    caFile: Type.String({
      default: '',
      description:
        "PEM file of extra CAs trusted when a certificate must verify (MTA-STS enforce, relay requireTls), besides the system's",
    }),
    relay: RelaySchema,
  },
  { default: {}, additionalProperties: false },
);

export type OutboundConfig = Static<typeof OutboundSchema>;
