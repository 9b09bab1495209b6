import type { ApiKey, Scope, User, UserRole } from '../../directory/index.js';
import type { AppGrant } from '../../oauth/index.js';

/** Who is calling: an integration's API key or app token, or a user signed in with a password. */
export type Principal = ApiKeyPrincipal | AppPrincipal | UserPrincipal;

/** Integration credentials: rights are their scopes, within their domain restriction. */
export type ScopedPrincipal = ApiKeyPrincipal | AppPrincipal;

export interface ApiKeyPrincipal {
  kind: 'api_key';
  id: string;
  scopes: ReadonlySet<Scope>;
  /** The only domain the key may touch, or null for every domain. */
  domain: string | null;
}

/** An app acting with an OAuth access token (client credentials); same rules as an API key. */
export interface AppPrincipal {
  kind: 'app';
  /** The app's client id. */
  id: string;
  /** The token's scopes that the app still holds. */
  scopes: ReadonlySet<Scope>;
  /** The only domain the app may touch, or null for every domain. */
  domain: string | null;
}

export interface UserPrincipal {
  kind: 'user';
  id: string;
  /** Canonical address and aliases: what counts as "themselves". */
  addresses: ReadonlySet<string>;
  /** The canonical address alone (what events name the user by); the first of `addresses` when absent. */
  address?: string;
  domain: string;
  role: UserRole;
  adminDomains: ReadonlySet<string>;
}

export const principalFromApiKey = (key: ApiKey): ApiKeyPrincipal => ({
  kind: 'api_key',
  id: key.id,
  scopes: new Set(key.scopes),
  domain: key.domain === null ? null : key.domain.toLowerCase(),
});

export const principalFromUser = (user: User): UserPrincipal => ({
  kind: 'user',
  id: user.id,
  addresses: new Set([user.address, ...user.aliases].map((a) => a.toLowerCase())),
  address: user.address.toLowerCase(),
  domain: user.domain,
  role: user.role,
  adminDomains: new Set(user.adminDomains.map((d) => d.toLowerCase())),
});

export const principalFromAppGrant = (grant: AppGrant): AppPrincipal => ({
  kind: 'app',
  id: grant.clientId,
  scopes: new Set(grant.scopes),
  domain: grant.domain === null ? null : grant.domain.toLowerCase(),
});

/** API keys and app tokens: their scopes and domain restriction decide, not a role. */
export const isScoped = (p: Principal): p is ScopedPrincipal => p.kind === 'api_key' || p.kind === 'app';
