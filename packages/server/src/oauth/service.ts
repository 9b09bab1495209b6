import type { Kysely } from 'kysely';
import { type Directory, SCOPES, type Scope } from '../directory/index.js';
import type { DB } from '../store/index.js';
import type { Logger } from '../telemetry/index.js';
import { createAppRegistry } from './apps.js';
import { OAuthError } from './errors.js';
import { createKeyRing, type KeyRing, type SigningAlgorithm } from './keys.js';
import type { ClientCredentialsRequest } from './token-request.js';
import { createTokenCodec } from './tokens.js';
import type {
  App,
  AppRegistry,
  AuthorizationServerMetadata,
  PublicJwk,
  SigningKeyInfo,
  TokenResponse,
  TokenVerification,
  WidgetTokenVerification,
} from './types.js';
import { createWidgetTokenCodec } from './widget-tokens.js';

/** How long a verifying node trusts what it last read about an app (enabled, scopes, rotation). */
export const APP_STATE_TTL_MS = 15_000;
const APP_STATE_MAX = 10_000;

export interface OAuthConfig {
  tokenLifetimeSeconds: number;
  signingAlgorithm: SigningAlgorithm;
  /** 0 = rotate only when told to. */
  keyRotationHours: number;
}

export interface OAuthServiceDeps {
  db: Kysely<DB>;
  directory: Pick<Directory, 'getDomain'>;
  config: OAuthConfig;
  /** The server's public base URL (no trailing slash): the `iss` of every token. Read at each use. */
  issuer: () => string;
  log: Logger;
  now?: () => number;
}

/** App tokens: registered apps, the client credentials grant, signing keys and verification. */
export interface OAuthService {
  apps: AppRegistry;
  /** The client credentials grant (RFC 6749 §4.4.3). Throws {@link OAuthError}. */
  exchange(
    request: Pick<ClientCredentialsRequest, 'clientId' | 'clientSecret' | 'scope'>,
  ): Promise<TokenResponse>;
  /** Verifies a bearer JWT and applies the app's current state (exists, enabled, not rotated since, scopes). */
  verify(token: string): Promise<TokenVerification>;
  /** Widget tokens: minted for one user by an app, bound to the app's allowed origins. */
  widgetTokens: {
    /** The caller checked that the app may act for this user. */
    issue(input: { clientId: string; address: string; userId: string; lifetimeSeconds: number }): Promise<{
      token: string;
      exp: number;
    }>;
    /** Verifies one and applies its app's current state (exists, enabled, not rotated since, origins). */
    verify(token: string): Promise<WidgetTokenVerification>;
    /** Every origin some enabled app allows, cached like app state (for CORS preflights, which carry no token). */
    anyAllowed(origin: string): Promise<boolean>;
  };
  jwks(): Promise<{ keys: PublicJwk[] }>;
  metadata(): AuthorizationServerMetadata;
  rotateKeys(): Promise<SigningKeyInfo>;
  listKeys(): Promise<SigningKeyInfo[]>;
  /** Makes sure a signing key exists and starts the key maintenance timer. */
  start(): Promise<void>;
  stop(): void;
  /** One round of key maintenance (what the timer runs); for tests and the CLI. */
  maintain(): Promise<void>;
}

interface AppState {
  enabled: boolean;
  domain: string | null;
  scopes: ReadonlySet<Scope>;
  secretRotatedAt: number;
  allowedOrigins: readonly string[];
}

/** Narrows the app's scopes to a requested subset (RFC 6749 §3.3); no request means all of them. */
export function grantedScopes(appScopes: readonly Scope[], requested: string | undefined): Scope[] {
  if (requested === undefined) return [...appScopes];
  const known: ReadonlySet<string> = new Set(SCOPES);
  const held: ReadonlySet<string> = new Set(appScopes);
  const wanted = new Set(requested.split(' '));
  for (const s of wanted) {
    if (!known.has(s)) throw new OAuthError('invalid_scope', `Unknown scope "${s}"`);
    if (!held.has(s)) throw new OAuthError('invalid_scope', `This app does not hold the scope "${s}"`);
  }
  return appScopes.filter((s) => wanted.has(s));
}

export function createOAuthService(deps: OAuthServiceDeps): OAuthService {
  const now = deps.now ?? Date.now;
  const registry = createAppRegistry({ db: deps.db, directory: deps.directory, now });
  const keys: KeyRing = createKeyRing({
    db: deps.db,
    algorithm: deps.config.signingAlgorithm,
    rotationMs: deps.config.keyRotationHours * 3_600_000,
    now,
    log: deps.log,
  });
  const codec = createTokenCodec({ keys, issuer: deps.issuer, now });
  const widgetCodec = createWidgetTokenCodec({ keys, issuer: deps.issuer, now });
  let originUnion: { origins: Set<string>; at: number } | null = null;
  const states = new Map<string, { state: AppState | null; at: number }>();
  let timer: NodeJS.Timeout | undefined;

  async function appState(clientId: string): Promise<AppState | null> {
    const cached = states.get(clientId);
    if (cached && now() - cached.at < APP_STATE_TTL_MS) return cached.state;
    let state: AppState | null = null;
    try {
      const app = await registry.get(clientId);
      state = {
        enabled: app.enabled,
        domain: app.domain,
        scopes: new Set(app.scopes),
        secretRotatedAt: app.secretRotatedAt,
        allowedOrigins: app.allowedOrigins,
      };
    } catch (e) {
      if ((e as { code?: string }).code !== 'APP_NOT_FOUND') throw e;
    }
    if (states.size >= APP_STATE_MAX) states.delete(states.keys().next().value as string);
    states.delete(clientId);
    states.set(clientId, { state, at: now() });
    return state;
  }

  /** Changes made through this node take effect here at once; other nodes see them within the TTL. */
  const forget = <T>(clientId: string, result: T): T => {
    states.delete(clientId);
    originUnion = null;
    return result;
  };

  const apps: AppRegistry = {
    ...registry,
    update: async (id, patch) => forget(id, await registry.update(id, patch)),
    remove: async (id) => forget(id, await registry.remove(id)),
    rotateSecret: async (id) => forget(id, await registry.rotateSecret(id)),
  };

  const maintain = async () => {
    try {
      await keys.maintain();
    } catch (err) {
      deps.log.error({ err }, 'app-token key maintenance failed');
    }
  };

  return {
    apps,

    async exchange({ clientId, clientSecret, scope }) {
      const app: App | null = await registry.authenticate(clientId, clientSecret);
      if (!app) throw new OAuthError('invalid_client', 'Client authentication failed');
      // §5.2 invalid_grant: the client's authorization to get tokens was revoked by an administrator.
      if (!app.enabled) throw new OAuthError('invalid_grant', 'This app is disabled');
      const scopes = grantedScopes(app.scopes, scope);
      const lifetime = deps.config.tokenLifetimeSeconds;
      const { token } = await codec.sign({
        clientId: app.clientId,
        scopes,
        domain: app.domain,
        lifetimeSeconds: lifetime,
      });
      deps.log.info({ clientId: app.clientId, scopes }, 'app token issued');
      return { access_token: token, token_type: 'Bearer', expires_in: lifetime, scope: scopes.join(' ') };
    },

    async verify(token) {
      const result = await codec.verify(token);
      if (!result.ok) return result;
      const { claims } = result;
      const state = await appState(claims.clientId);
      // Deleted, disabled, or the secret rotated after the token was issued (iat has whole seconds).
      if (!state?.enabled || claims.iat < Math.floor(state.secretRotatedAt / 1000)) {
        return { ok: false, reason: 'revoked' };
      }
      if (claims.domain !== state.domain) return { ok: false, reason: 'invalid' };
      return {
        ok: true,
        grant: {
          clientId: claims.clientId,
          scopes: claims.scopes.filter((s) => state.scopes.has(s)),
          domain: state.domain,
          expiresAt: claims.exp,
        },
      };
    },

    widgetTokens: {
      issue: (input) => widgetCodec.sign(input),
      async verify(token) {
        const result = await widgetCodec.verify(token);
        if (!result.ok) return result;
        const { claims } = result;
        const state = await appState(claims.clientId);
        if (!state?.enabled || claims.iat < Math.floor(state.secretRotatedAt / 1000)) {
          return { ok: false, reason: 'revoked' };
        }
        return {
          ok: true,
          grant: {
            clientId: claims.clientId,
            address: claims.address,
            userId: claims.userId,
            origins: [...state.allowedOrigins],
            canOpen: state.scopes.has('sso:issue'),
            expiresAt: claims.exp,
          },
        };
      },
      async anyAllowed(origin) {
        if (!originUnion || now() - originUnion.at >= APP_STATE_TTL_MS) {
          originUnion = { origins: await registry.allAllowedOrigins(), at: now() };
        }
        return originUnion.origins.has(origin);
      },
    },

    jwks: () => keys.jwks(),

    metadata() {
      const issuer = deps.issuer();
      return {
        issuer,
        token_endpoint: `${issuer}/api/v1/oauth/token`,
        jwks_uri: `${issuer}/.well-known/jwks.json`,
        scopes_supported: [...SCOPES],
        // RFC 8414 §2 requires the field; this server has no authorization endpoint.
        response_types_supported: [],
        grant_types_supported: ['client_credentials'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        service_documentation: `${issuer}/docs`,
      };
    },

    rotateKeys: () => keys.rotate(),
    listKeys: () => keys.list(),

    async start() {
      await keys.ensure();
      // Checked often; rotates only when the signing key is due, and deletes retired keys.
      timer = setInterval(() => void maintain(), 10 * 60_000);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
    maintain: () => keys.maintain(),
  };
}
