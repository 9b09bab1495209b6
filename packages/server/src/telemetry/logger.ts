import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths pino replaces with "[redacted]" wherever they appear in a log object.
 * Passwords, tokens, cookies and message bodies never reach a log line.
 */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'pass',
  '*.pass',
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'cookie',
  '*.cookie',
  'body',
  '*.body',
  'secret',
  '*.secret',
  'clientSecret',
  '*.clientSecret',
  'client_secret',
  '*.client_secret',
  'access_token',
  '*.access_token',
  'accessToken',
  '*.accessToken',
  'privateKey',
  '*.privateKey',
  'private_jwk',
  '*.private_jwk',
  'csrfToken',
  '*.csrfToken',
  'idToken',
  '*.idToken',
  'req.headers["x-csrf-token"]',
  // LDAP service-account passwords (config.ldap.sources[].bindPassword).
  'bindPassword',
  '*.bindPassword',
  'sources[*].bindPassword',
  '*.sources[*].bindPassword',
  '*.*.sources[*].bindPassword',
];

/** Query parameters that carry secrets in SSO flows (OIDC code/state, CAS ticket …). */
const SECRET_PARAMS = /([?&](?:code|state|ticket|token|logout_token|id_token_hint|session_state)=)[^&#]*/gi;

/**
 * A URL as it may be logged: login-link tokens in the path and SSO secrets
 * in the query are replaced, so a request log never holds a usable secret.
 */
export function redactUrl(url: string): string {
  return url.replace(/^(\/auth\/link\/)[^/?#]+/, '$1[redacted]').replace(SECRET_PARAMS, '$1[redacted]');
}

/** fastify's request serializer, with the URL redacted. */
function serializeRequest(req: {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}) {
  return {
    method: req.method,
    url: redactUrl(req.url ?? ''),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

export interface LoggerOptions {
  level: string;
  /** Where lines go; default stdout. Tests pass a stream to read them back. */
  destination?: DestinationStream;
}

/** The root logger; components take `log.child({ component })`. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { req: serializeRequest },
    },
    options.destination,
  );
}
