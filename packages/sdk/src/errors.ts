/** One invalid input field, as the server names it (`address`, `query.limit`, `to[0].address` …). */
export interface FieldError {
  field: string;
  message: string;
}

/** The class of a failure, for `switch` without `instanceof`. */
export type JdMailErrorKind =
  | 'bad_request'
  | 'authentication'
  | 'permission'
  | 'not_found'
  | 'conflict'
  | 'gone'
  | 'validation'
  | 'rate_limit'
  | 'server'
  | 'connection';

interface ErrorInit {
  status: number;
  code: string;
  title: string;
  detail: string;
  type?: string;
  instance?: string;
  errors?: FieldError[];
  retryAfterMs?: number | null;
  cause?: unknown;
}

/**
 * Every failure of a call: an RFC 9457 problem from the server (with its
 * stable `code`, e.g. `USER_NOT_FOUND`) or a connection failure (`status` 0).
 * Catch a subclass, or switch on `kind`.
 */
export class JdMailError extends Error {
  readonly kind: JdMailErrorKind;
  /** HTTP status; 0 when no response arrived. */
  readonly status: number;
  /** Stable error code from the server's catalogue; `NETWORK_ERROR` or `TIMEOUT` for connection failures. */
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly type: string | undefined;
  readonly instance: string | undefined;
  /** Invalid fields, on validation failures. */
  readonly errors: FieldError[];

  constructor(kind: JdMailErrorKind, init: ErrorInit) {
    super(init.detail || init.title, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.kind = kind;
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail;
    this.type = init.type;
    this.instance = init.instance;
    this.errors = init.errors ?? [];
  }
}

/** 400, 413, 415: the request itself is malformed. */
export class BadRequestError extends JdMailError {}
/** 401: missing or wrong credentials. */
export class AuthenticationError extends JdMailError {}
/** 403: the credentials lack the scope or the right. */
export class PermissionError extends JdMailError {}
/** 404: not found, or not visible to these credentials. */
export class NotFoundError extends JdMailError {}
/** 409: conflicts with the current state (e.g. `ADDRESS_TAKEN`). */
export class ConflictError extends JdMailError {}
/**
 * 410: a sync token or event cursor older than what the server keeps
 * (`SYNC_TOKEN_EXPIRED`): start again without it.
 */
export class GoneError extends JdMailError {}
/** 422: invalid input; `errors` names the fields. */
export class ValidationError extends JdMailError {}
/** 429: too many requests (after the client's own retries). */
export class RateLimitError extends JdMailError {
  /** How long the server asked to wait, when it said. */
  readonly retryAfterMs: number | null;
  constructor(kind: JdMailErrorKind, init: ErrorInit) {
    super(kind, init);
    this.retryAfterMs = init.retryAfterMs ?? null;
  }
}
/** 5xx: the server failed. */
export class ServerError extends JdMailError {}
/** No response: network failure or timeout. */
export class ConnectionError extends JdMailError {}

type ErrorClass = new (kind: JdMailErrorKind, init: ErrorInit) => JdMailError;

const BY_STATUS: Record<number, [JdMailErrorKind, ErrorClass]> = {
  400: ['bad_request', BadRequestError],
  401: ['authentication', AuthenticationError],
  403: ['permission', PermissionError],
  404: ['not_found', NotFoundError],
  409: ['conflict', ConflictError],
  410: ['gone', GoneError],
  413: ['bad_request', BadRequestError],
  415: ['bad_request', BadRequestError],
  422: ['validation', ValidationError],
  429: ['rate_limit', RateLimitError],
};

/** Builds the typed error for an HTTP error response whose body (if any) was read as `body`. */
export function errorFromResponse(status: number, body: unknown, retryAfterMs: number | null): JdMailError {
  const p = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const init: ErrorInit = {
    status,
    code: str(p.code) ?? `HTTP_${status}`,
    title: str(p.title) ?? `HTTP ${status}`,
    detail: str(p.detail) ?? str(p.title) ?? `The server answered ${status}`,
    type: str(p.type),
    instance: str(p.instance),
    errors: Array.isArray(p.errors) ? (p.errors as FieldError[]) : [],
    retryAfterMs,
  };
  const [kind, Class] =
    BY_STATUS[status] ?? (status >= 500 ? ['server', ServerError] : ['bad_request', BadRequestError]);
  return new Class(kind, init);
}

export function connectionError(
  code: 'NETWORK_ERROR' | 'TIMEOUT',
  detail: string,
  cause: unknown,
): ConnectionError {
  return new ConnectionError('connection', { status: 0, code, title: 'Connection failed', detail, cause });
}
