/**
 * Error codes of the token endpoint (RFC 6749 §5.2), plus
 * `temporarily_unavailable` (registered for the authorization endpoint,
 * §4.1.2.1) for a client IP that failed to authenticate too often.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'temporarily_unavailable';

const STATUS: Record<OAuthErrorCode, number> = {
  invalid_request: 400,
  // §5.2: 401 when the client authenticated (or tried to) with the Authorization header; we always do.
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  temporarily_unavailable: 429,
};

/**
 * A token request refused. The token endpoint answers these as OAuth's own
 * JSON (`{ error, error_description }`), not as problem+json: OAuth client
 * libraries read that shape.
 */
export class OAuthError extends Error {
  readonly error: OAuthErrorCode;
  readonly status: number;
  /** Seconds to wait, for `temporarily_unavailable`. */
  readonly retryAfter: number | undefined;

  constructor(error: OAuthErrorCode, description: string, retryAfter?: number) {
    super(description);
    this.name = 'OAuthError';
    this.error = error;
    this.status = STATUS[error];
    this.retryAfter = retryAfter;
  }

  /** The response body (RFC 6749 §5.2). */
  toJSON(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.error, error_description: this.message };
  }
}

export const isOAuthError = (e: unknown): e is OAuthError => e instanceof OAuthError;
