import type { ApiKey, Scope, User, UserRole } from '../../directory/index.js';

/** Who is calling: an integration's API key, or a user signed in with a password. */
export type Principal = ApiKeyPrincipal | UserPrincipal;

export interface ApiKeyPrincipal {
  kind: 'api_key';
  id: string;
  scopes: ReadonlySet<Scope>;
  /** The only domain the key may touch, or null for every domain. */
  domain: string | null;
}

export interface UserPrincipal {
  kind: 'user';
  id: string;
  /** Canonical address and aliases: what counts as "themselves". */
  addresses: ReadonlySet<string>;
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
  domain: user.domain,
  role: user.role,
  adminDomains: new Set(user.adminDomains.map((d) => d.toLowerCase())),
});
