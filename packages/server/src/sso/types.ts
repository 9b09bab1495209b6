import type { AuthMethod, SessionChannel } from '../store/index.js';

export type { AuthMethod, SessionChannel };

/** References to the sign-in at an external provider, used to end sessions from there. */
export interface ExternalRef {
  /** OIDC `sid` (the IdP's session id). */
  sid?: string | null;
  /** OIDC `sub` (the user at the IdP) or the CAS user. */
  sub?: string | null;
  /** CAS service ticket (CAS single logout names it). */
  ticket?: string | null;
}

/** A live session as the registry returns it; never holds the secret token. */
export interface Session {
  /** Public id: lists and revocation use it. */
  id: string;
  userId: string;
  userAddress: string;
  channel: SessionChannel;
  method: AuthMethod;
  providerId: string | null;
  external: { sid: string | null; sub: string | null; ticket: string | null };
  /** The OIDC ID token (for `id_token_hint` at logout); null for other methods. */
  idToken: string | null;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
  /** Ends here unless used before. */
  idleExpiresAt: number;
  /** Ends here at the latest. */
  expiresAt: number;
  ip: string;
  userAgent: string;
}

/** Where a request came from; recorded on sessions and in the audit. */
export interface ClientInfo {
  ip: string;
  userAgent: string;
}

/** Why sessions ended; passed to revocation listeners and logged. */
export type RevokeReason =
  | 'logout'
  | 'replaced'
  | 'admin'
  | 'expired'
  | 'user_disabled'
  | 'credentials_changed'
  | 'backchannel_logout'
  | 'single_logout';

/** A sign-in method offered on the login page (`GET /auth/config`). */
export interface LoginProvider {
  id: string;
  name: string;
  kind: 'oidc' | 'cas';
  /** Server-relative URL that starts the sign-in (`/auth/oidc/<id>/start`). */
  startUrl: string;
}
