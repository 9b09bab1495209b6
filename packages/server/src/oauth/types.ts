import type { Page, Scope } from '../directory/index.js';

/** An integration registered for the client credentials grant. */
export interface App {
  /** `jdc_…`: the public client identifier (RFC 6749 §2.2). */
  clientId: string;
  name: string;
  /** What tokens of this app may do at most (expanded: no wildcards). */
  scopes: Scope[];
  /** The only domain its tokens may touch, or null for every domain. */
  domain: string | null;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
  /** When the current secret was made; tokens issued before it are refused. */
  secretRotatedAt: number;
  lastUsedAt: number | null;
  /** Web origins its widget tokens work from (the CORS allow-list); serialized, e.g. `https://portal.example.com`. */
  allowedOrigins: string[];
}

export interface CreateAppInput {
  name: string;
  /** Scopes as given by the caller: `mail:read`, `mail:*` or `*`. */
  scopes: string[];
  domain?: string | null;
  allowedOrigins?: string[];
}

export interface UpdateAppInput {
  name?: string;
  enabled?: boolean;
  /** Replaces the list. */
  allowedOrigins?: string[];
}

/** An app with its client secret in clear: returned only by create and rotate, once. */
export interface AppWithSecret {
  app: App;
  clientSecret: string;
}

export interface ListAppsOptions {
  /** Restrict to apps of these domains (a domain admin's or restricted caller's view); null = all. */
  visibleDomains?: ReadonlySet<string> | null;
  limit: number;
  cursor?: string;
}

/** Registered apps: CRUD, secret rotation and client authentication. */
export interface AppRegistry {
  create(input: CreateAppInput): Promise<AppWithSecret>;
  /** Throws APP_NOT_FOUND. */
  get(clientId: string): Promise<App>;
  list(options: ListAppsOptions): Promise<Page<App>>;
  update(clientId: string, patch: UpdateAppInput): Promise<App>;
  remove(clientId: string): Promise<void>;
  /** A new secret; the old one stops working at once, and so do tokens issued with it. */
  rotateSecret(clientId: string): Promise<AppWithSecret>;
  /** The app when `secret` is its current secret (constant-time); null otherwise. Disabled apps too. */
  authenticate(clientId: string, secret: string): Promise<App | null>;
  /** Every origin some enabled app allows (what a CORS preflight, which carries no token, is checked against). */
  allAllowedOrigins(): Promise<Set<string>>;
}

/** The successful token response (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

/** What a verified access token grants, with the app's current state applied. */
export interface AppGrant {
  clientId: string;
  /** The token's scopes that the app still holds. */
  scopes: Scope[];
  domain: string | null;
  /** The token's `exp`, epoch seconds. */
  expiresAt: number;
}

/** What a verified widget token grants, with the minting app's current state applied. */
export interface WidgetGrant {
  /** The app that minted it. */
  clientId: string;
  /** The user whose inbox it reads. */
  address: string;
  userId: string;
  /** The app's allowed origins now (an edit applies to tokens already out, within 15 s). */
  origins: string[];
  /** The app holds `sso:issue`: the widget may open a message in webmail signed in. */
  canOpen: boolean;
  /** The token's `exp`, epoch seconds. */
  expiresAt: number;
}

export type WidgetTokenVerification =
  | { ok: true; grant: WidgetGrant }
  | { ok: false; reason: TokenRejection };

/** Why a bearer JWT was refused; `expired` is the only honest mistake, the rest may be forgeries. */
export type TokenRejection = 'expired' | 'invalid' | 'revoked';

export type TokenVerification = { ok: true; grant: AppGrant } | { ok: false; reason: TokenRejection };

/** A public key as published in the JWKS (RFC 7517 §4). */
export interface PublicJwk {
  kty: string;
  crv?: string;
  x?: string;
  y?: string;
  kid: string;
  use: 'sig';
  alg: string;
}

/** One signing key as the CLI lists it (no key material). */
export interface SigningKeyInfo {
  kid: string;
  alg: string;
  createdAt: number;
  /** True for the key new tokens are signed with. */
  signing: boolean;
  /** When it stops verifying; null for the signing key. */
  retireAt: number | null;
}

/** OAuth 2.0 Authorization Server Metadata (RFC 8414 §2), the parts that apply. */
export interface AuthorizationServerMetadata {
  issuer: string;
  token_endpoint: string;
  jwks_uri: string;
  scopes_supported: string[];
  response_types_supported: string[];
  grant_types_supported: string[];
  token_endpoint_auth_methods_supported: string[];
  service_documentation?: string;
}
