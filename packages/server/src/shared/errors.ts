/**
 * The one error model of jdmail. Every failure a client can see is an
 * `AppError` with a stable `code` from {@link ErrorCodes}; each edge translates
 * it (problem+json over HTTP, `5.x.x` replies in SMTP). Codes are never reused.
 */
export const ErrorCodes = {
  // generic
  INTERNAL: { status: 500, title: 'Internal error' },
  VALIDATION_FAILED: { status: 422, title: 'Validation failed' },
  BAD_REQUEST: { status: 400, title: 'Bad request' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload too large' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  UNAVAILABLE: { status: 503, title: 'Service unavailable' },
  STORAGE_FULL: { status: 507, title: 'Insufficient storage' },
  // auth
  UNAUTHENTICATED: { status: 401, title: 'Authentication required' },
  FORBIDDEN: { status: 403, title: 'Forbidden' },
  INSUFFICIENT_SCOPE: { status: 403, title: 'Insufficient scope' },
  CSRF_FAILED: { status: 403, title: 'Missing or wrong X-CSRF-Token for this session' },
  // directory
  DOMAIN_NOT_FOUND: { status: 404, title: 'Domain not found' },
  DOMAIN_EXISTS: { status: 409, title: 'Domain already exists' },
  DOMAIN_NOT_EMPTY: { status: 409, title: 'Domain still has users' },
  USER_NOT_FOUND: { status: 404, title: 'User not found' },
  ADDRESS_TAKEN: { status: 409, title: 'Address already in use' },
  USER_DISABLED: { status: 403, title: 'User is disabled' },
  GROUP_NOT_FOUND: { status: 404, title: 'Group not found' },
  GROUP_EXISTS: { status: 409, title: 'Group already exists' },
  GROUP_CYCLE: { status: 422, title: 'Group cannot be its own ancestor' },
  GROUP_NOT_EMPTY: { status: 409, title: 'Group still has subgroups' },
  ALIAS_NOT_FOUND: { status: 404, title: 'Alias not found' },
  API_KEY_NOT_FOUND: { status: 404, title: 'API key not found' },
  USER_EXTERNALLY_MANAGED: {
    status: 409,
    title: 'The user is managed by a directory or identity provider; change it there',
  },
  EXTERNAL_ID_TAKEN: { status: 409, title: 'Another user or group of the domain has this externalId' },
  // app tokens (oauth)
  APP_NOT_FOUND: { status: 404, title: 'App not found' },
  // widget tokens
  ORIGIN_NOT_ALLOWED: { status: 403, title: 'This origin is not one of the app’s allowed origins' },
  NO_ALLOWED_ORIGINS: { status: 409, title: 'The app has no allowed origins' },
  DIRECTORY_UNAVAILABLE: { status: 503, title: 'The user directory cannot be reached; try again' },
  // filter
  QUARANTINE_ENTRY_NOT_FOUND: { status: 404, title: 'Quarantined message not found' },
  // sso
  SESSION_NOT_FOUND: { status: 404, title: 'Session not found' },
  CURRENT_PASSWORD_WRONG: { status: 422, title: 'The current password is wrong' },
  // directory sync (ldap)
  DIRECTORY_SOURCE_NOT_FOUND: { status: 404, title: 'Directory source not found' },
  SYNC_RUN_NOT_FOUND: { status: 404, title: 'Directory sync run not found' },
  // mail
  MAILBOX_NOT_FOUND: { status: 404, title: 'Mailbox not found' },
  MAILBOX_EXISTS: { status: 409, title: 'A mailbox with this name already exists' },
  MAILBOX_NAME_INVALID: { status: 422, title: 'Invalid mailbox name' },
  MAILBOX_HAS_CHILDREN: { status: 409, title: 'Mailbox has child mailboxes; delete them first' },
  MAILBOX_LIMIT: { status: 409, title: 'Too many mailboxes' },
  MAILBOX_PROTECTED: { status: 409, title: 'This mailbox cannot be deleted or renamed' },
  SPECIAL_USE_INVALID: { status: 422, title: 'Special-use attribute not supported or already in use' },
  MESSAGE_NOT_FOUND: { status: 404, title: 'Message not found' },
  ATTACHMENT_NOT_FOUND: { status: 404, title: 'Attachment not found' },
  UPLOAD_NOT_FOUND: { status: 404, title: 'Upload not found or expired' },
  QUOTA_EXCEEDED: { status: 422, title: 'Mailbox quota exceeded' },
  MESSAGE_TOO_LARGE: { status: 413, title: 'Message too large' },
  HEADER_TOO_LARGE: { status: 413, title: 'Message header section too large' },
  RECIPIENT_NOT_LOCAL: { status: 422, title: 'Recipient is not local' },
  RECIPIENT_UNKNOWN: { status: 422, title: 'Recipient unknown' },
  SENDER_NOT_ALLOWED: { status: 403, title: 'Sender address is not the user’s' },
  SEND_RATE_LIMITED: { status: 429, title: 'Sending limit reached; try again later' },
  MAIL_AUTH_REJECTED: { status: 403, title: 'Message refused by mail authentication (SPF/DKIM/DMARC)' },
  MAIL_AUTH_TEMPFAIL: { status: 503, title: 'Mail authentication could not be completed; try again later' },
  FILTER_REJECTED: { status: 422, title: 'Message refused by the filter' },
  FILTER_TEMPFAIL: { status: 503, title: 'The filter could not check the message; try again later' },
  INVALID_CURSOR: { status: 400, title: 'Invalid cursor' },
  SYNC_TOKEN_EXPIRED: { status: 410, title: 'Sync token expired; resync without a token' },
  EVENT_STREAMS_EXCEEDED: { status: 429, title: 'Too many open event streams for this credential' },
  IDEMPOTENCY_KEY_IN_USE: {
    status: 409,
    title: 'A request with this Idempotency-Key is still being processed; retry shortly',
  },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'Idempotency-Key reused with a different request' },
  // outbound queue
  QUEUE_ENTRY_NOT_FOUND: { status: 404, title: 'Queue entry not found' },
  // events
  EVENTS_CURSOR_EXPIRED: {
    status: 410,
    title: 'The cursor is older than the event log keeps; resync and start from the oldest kept event',
  },
  // webhooks
  WEBHOOK_NOT_FOUND: { status: 404, title: 'Webhook endpoint not found' },
  WEBHOOK_TARGET_REFUSED: {
    status: 422,
    title: 'Webhook URL refused: it resolves to a loopback, private or otherwise non-public address',
  },
  // sso
  SSO_FAILED: { status: 401, title: 'Single sign-on failed' },
  SSO_UNAVAILABLE: { status: 503, title: 'Identity provider unavailable' },
  // http edge (api)
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ErrorCodes;

/** A failure with a stable code, safe to show to a client. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Extra, client-safe detail (e.g. the invalid field's name). */
  readonly extra: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message?: string, extra?: Record<string, unknown>) {
    super(message ?? ErrorCodes[code].title);
    this.name = 'AppError';
    this.code = code;
    this.status = ErrorCodes[code].status;
    this.extra = extra;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

/** Error codes of a full disk: the file system, SQLite, PostgreSQL (class 53, disk_full). */
const STORAGE_FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL', '53100']);

/**
 * The string `code`s of `err` and of the errors it wraps (`cause`), outermost
 * first: an AppError's own code, then the driver's or the system's beneath it.
 */
export function codeChain(err: unknown): string[] {
  const codes: string[] = [];
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    e = (e as { cause?: unknown }).cause;
  }
  return codes;
}

/**
 * Whether `err`, or an error it wraps, says the disk is full: what the edges
 * tell a client apart from other failures (SMTP 452 4.3.1, HTTP 507), since
 * it is the operator's to fix and the client's to retry later.
 */
export const isStorageFull = (err: unknown): boolean => codeChain(err).some((c) => STORAGE_FULL_CODES.has(c));
