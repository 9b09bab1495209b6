import { readFileSync } from 'node:fs';
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import * as client from 'openid-client';
import type { OidcProviderConfig } from '../../config/index.js';
import { lazyCache } from './lazy-cache.js';

/** One configured OpenID Provider: its settings, and its metadata and keys loaded on first use. */
export interface OidcProvider {
  readonly settings: OidcProviderConfig;
  /** Discovery (cached for an hour; retried with backoff when the IdP is down). */
  configuration(): Promise<client.Configuration>;
  /** The provider's signing keys (jose fetches and caches them, refetching for an unknown `kid`). */
  keys(): Promise<JWTVerifyGetKey>;
  /** Algorithms its ID and logout tokens may be signed with. */
  algorithms(): Promise<string[]>;
}

const LOOPBACK = /^(127(\.\d{1,3}){3}|localhost|\[::1\])$/;

/**
 * Plain-http issuers are accepted only on loopback (a development IdP on
 * the same machine, or a test's); anywhere else the ID token and the client
 * secret would cross the network in clear.
 */
export function checkIssuer(issuer: string, where: string): URL {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new Error(`${where}.issuer: "${issuer}" is not a URL`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && LOOPBACK.test(url.hostname)) return url;
  throw new Error(`${where}.issuer: must be https (plain http only on a loopback address)`);
}

function readSecret(settings: OidcProviderConfig, where: string): string {
  if (settings.clientSecret) return settings.clientSecret;
  try {
    return readFileSync(settings.clientSecretFile, 'utf8').trim();
  } catch (err) {
    throw new Error(
      `${where}.clientSecretFile: cannot read ${settings.clientSecretFile}: ${(err as Error).message}`,
    );
  }
}

/**
 * Builds a provider from its settings; touches no network (discovery
 * happens at the first sign-in, so an IdP that is down never stops jdmail
 * from starting). Throws at once for a bad issuer or an unreadable secret.
 */
export function createOidcProvider(
  settings: OidcProviderConfig,
  index: number,
  now: () => number,
): OidcProvider {
  const where = `sso.oidc.${index}`;
  const issuer = checkIssuer(settings.issuer, where);
  const secret = readSecret(settings, where);
  const insecure = issuer.protocol === 'http:';
  const clientAuth =
    settings.tokenAuthMethod === 'client_secret_post' ? client.ClientSecretPost : client.ClientSecretBasic;

  const configuration = lazyCache(
    () =>
      client.discovery(issuer, settings.clientId, undefined, clientAuth(secret), {
        execute: insecure ? [client.allowInsecureRequests] : [],
        timeout: 10,
      }),
    { ttlMs: 3600_000, minBackoffMs: 2000, maxBackoffMs: 5 * 60_000, now },
  );

  let jwks: { uri: string; keys: JWTVerifyGetKey } | undefined;
  const algorithms = async () => {
    const meta = (await configuration()).serverMetadata();
    const supported = meta.id_token_signing_alg_values_supported ?? ['RS256'];
    return supported.filter((a) => a !== 'none' && !a.startsWith('HS'));
  };

  return {
    settings,
    configuration,
    algorithms,
    async keys() {
      const uri = (await configuration()).serverMetadata().jwks_uri;
      if (!uri) throw new Error(`provider ${settings.id} publishes no jwks_uri`);
      if (jwks?.uri !== uri)
        jwks = { uri, keys: createRemoteJWKSet(new URL(uri), { timeoutDuration: 5000 }) };
      return jwks.keys;
    },
  };
}
