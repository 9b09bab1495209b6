import type { ApiKey, Scope, User, UserRole } from '../../directory/index.js';
import type { AppGrant, WidgetGrant } from '../../oauth/index.js';

/**
 * Who is calling: an integration's API key or app token, a user signed in
 * with a password, or the inbox widget with its widget token.
 */
export type Principal = ApiKeyPrincipal | AppPrincipal | UserPrincipal | WidgetPrincipal;

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

/**
 * The `<jdmail-inbox>` widget, acting with a widget token for one user. It
 * holds no scope: the auth hook lets it through only to routes that declare
 * `auth.widget` (the widget's inbox summary, opening a message, the event
 * stream), and only from its app's allowed origins.
 */
export interface WidgetPrincipal {
  kind: 'widget';
  /** The minting app's client id. */
  id: string;
  /** The user whose inbox it reads: canonical address, id, domain. */
  address: string;
  userId: string;
  domain: string;
  /** The app's allowed origins (CORS allow-list). */
  origins: ReadonlySet<string>;
  /** The app holds `sso:issue`, so the widget may open a message in webmail signed in. */
  canOpen: boolean;
}

export const principalFromWidgetGrant = (grant: WidgetGrant, user: User): WidgetPrincipal => ({
  kind: 'widget',
  id: grant.clientId,
  address: user.address,
  userId: user.id,
  domain: user.domain,
  origins: new Set(grant.origins),
  canOpen: grant.canOpen,
});

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
