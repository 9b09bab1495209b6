import type { Kysely } from 'kysely';
import * as client from 'openid-client';
import type { OidcProviderConfig } from '../../config/index.js';
import type { Directory } from '../../directory/index.js';
import { AppError, isAppError } from '../../shared/index.js';
import type { DB } from '../../store/index.js';
import type { Logger } from '../../telemetry/index.js';
import type { Audit } from '../audit.js';
import type { SsoProviderDriver } from '../providers.js';
import type { SessionRegistry } from '../sessions/registry.js';
import { looksLikeToken, randomToken } from '../tokens.js';
import type { ClientInfo, Session } from '../types.js';
import { resolveExternalUser } from '../users/external-user.js';
import { InvalidLogoutToken, verifyLogoutToken } from './logout-token.js';
import { createPendingLogins, type PendingLogin } from './pending.js';
import { createOidcProvider, type OidcProvider } from './provider.js';

export interface OidcDeps {
  providers: OidcProviderConfig[];
  db: Kysely<DB>;
  directory: Directory;
  sessions: SessionRegistry;
  audit: Audit;
  log: Logger;
  now?: () => number;
}

/** The browser-facing error codes of a failed SSO sign-in (the webmail explains each). */
export type SsoErrorCode = 'sso_failed' | 'directory_unavailable';

export type OidcCallbackResult =
  | { ok: true; token: string; session: Session; redirect: string }
  | { ok: false; error: SsoErrorCode };

export interface OidcRelyingParty {
  /** One driver per provider, for the login page and for sign-out. */
  readonly drivers: SsoProviderDriver[];
  /**
   * Begins Authorization Code + PKCE: records state, nonce and verifier,
   * and returns the IdP URL. `binding` is the browser's binding cookie (a
   * new one is made when absent); only that browser may finish the sign-in.
   * Throws NOT_FOUND for an unknown provider, UNAVAILABLE when the IdP's
   * discovery fails.
   */
  start(
    providerId: string,
    input: { returnTo: string; baseUrl: string; binding?: string },
  ): Promise<{ url: string; binding: string }>;
  /** Finishes the sign-in at the callback: code exchange, ID token validation, user mapping, session. */
  callback(
    providerId: string,
    input: { search: string; binding?: string; client: ClientInfo; replaces?: string | null },
  ): Promise<OidcCallbackResult>;
  /**
   * OIDC Back-Channel Logout 1.0: validates a logout token and ends the
   * sessions it names. `ok: false` carries a reason for the 400 answer.
   */
  backchannelLogout(
    providerId: string,
    logoutToken: unknown,
    ip: string,
  ): Promise<{ ok: true; ended: number } | { ok: false; description: string }>;
  sweep(): Promise<void>;
}

const BACKCHANNEL_EVENT = 'oidc.backchannel_logout';

interface Redeemed {
  /** The validated ID token's claims. */
  claims: client.IDToken;
  idToken: string | undefined;
  /** Userinfo, fetched only when the ID token lacks the mapped claim. */
  userinfo: Record<string, unknown>;
}

/**
 * Exchanges the code at the token endpoint with the PKCE verifier and has
 * openid-client validate the response and the ID token (signature against
 * the provider's JWKS, `iss`, `aud`, `exp`, `iat`, `nonce`, `state`, and
 * the `iss` response parameter when the provider advertises it).
 */
async function redeem(
  p: OidcProvider,
  login: PendingLogin,
  state: string,
  search: string,
): Promise<Redeemed> {
  const config = await p.configuration();
  const current = new URL(login.redirect_uri);
  current.search = search;
  const tokens = await client.authorizationCodeGrant(config, current, {
    pkceCodeVerifier: login.code_verifier,
    expectedState: state,
    expectedNonce: login.nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims() as client.IDToken;
  // Many IdPs put only `sub` in the ID token and the rest behind userinfo.
  const userinfo =
    claims[p.settings.claim] === undefined && tokens.access_token
      ? await client.fetchUserInfo(config, tokens.access_token, claims.sub)
      : {};
  return { claims, idToken: tokens.id_token, userinfo };
}

export function createOidcRelyingParty(deps: OidcDeps): OidcRelyingParty {
  const { db, directory, sessions, audit, log } = deps;
  const now = deps.now ?? Date.now;
  const providers = new Map<string, OidcProvider>(
    deps.providers.map((p, i) => [p.id, createOidcProvider(p, i, now)]),
  );
  const pending = createPendingLogins(db, now);

  const get = (id: string) => {
    const p = providers.get(id);
    if (!p) throw new AppError('NOT_FOUND', `No SSO provider "${id}"`);
    return p;
  };

  async function endSessionUrl(p: OidcProvider, session: Session, baseUrl: string): Promise<string | null> {
    let config: client.Configuration;
    try {
      config = await p.configuration();
    } catch (err) {
      log.warn(
        { provider: p.settings.id, err: (err as Error).message },
        'IdP unreachable; no end-session URL',
      );
      return null;
    }
    if (!config.serverMetadata().end_session_endpoint) return null;
    const target = p.settings.postLogoutRedirect || '/login?error=signed_out';
    const params: Record<string, string> = {
      post_logout_redirect_uri: target.startsWith('/') ? `${baseUrl}${target}` : target,
      client_id: p.settings.clientId,
    };
    if (session.idToken) params.id_token_hint = session.idToken;
    return client.buildEndSessionUrl(config, params).href;
  }

  async function callback(
    providerId: string,
    input: { search: string; binding?: string; client: ClientInfo; replaces?: string | null },
  ): Promise<OidcCallbackResult> {
    const p = providers.get(providerId);
    const fail = async (why: string, error: SsoErrorCode = 'sso_failed', subject = '') => {
      await audit.record({
        event: 'oidc.login',
        actor: `provider:${providerId}`,
        subject,
        ip: input.client.ip,
        result: error === 'sso_failed' ? 'refused' : error,
        detail: why,
      });
      return { ok: false as const, error };
    };
    if (!p) return fail('unknown provider');
    const query = new URLSearchParams(input.search);
    const state = query.get('state');
    if (!state || !looksLikeToken(state)) return fail('callback without a valid state');
    const login = await pending.take(state, input.binding);
    if (typeof login === 'string') return fail(`pending sign-in ${login}`);
    if (login.provider_id !== providerId) return fail('state of another provider');
    if (query.has('error')) {
      return fail(
        `IdP answered ${query.get('error')}: ${query.get('error_description') ?? ''}`.slice(0, 300),
      );
    }

    let redeemed: Redeemed;
    try {
      redeemed = await redeem(p, login, state, input.search);
    } catch (err) {
      return fail(`code exchange or ID token refused: ${(err as Error).message}`.slice(0, 300));
    }
    const { claims, idToken, userinfo } = redeemed;
    const all: Record<string, unknown> = { ...userinfo, ...claims };
    if (p.settings.claim === 'email' && all.email_verified === false) {
      return fail('the IdP says the email is not verified', 'sso_failed', String(all.email ?? ''));
    }
    let result: Awaited<ReturnType<typeof resolveExternalUser>>;
    try {
      result = await resolveExternalUser(
        directory,
        { domain: p.settings.domain, jitDomain: p.settings.jit.domain, jitGroup: p.settings.jit.group },
        all[p.settings.claim],
        typeof all.name === 'string' ? all.name : '',
        log,
      );
    } catch (err) {
      if (isAppError(err) && err.code === 'DIRECTORY_UNAVAILABLE') {
        return fail('directory unavailable', 'directory_unavailable');
      }
      throw err;
    }
    const subject = typeof all[p.settings.claim] === 'string' ? String(all[p.settings.claim]) : '';
    if (!result.ok)
      return fail(`no mailbox: ${result.reason} (claim ${p.settings.claim})`, 'sso_failed', subject);

    const created = await sessions.create({
      userId: result.user.id,
      method: 'oidc',
      providerId,
      external: { sid: typeof claims.sid === 'string' ? claims.sid : null, sub: claims.sub },
      idToken,
      client: input.client,
      replaces: input.replaces,
    });
    await audit.record({
      event: 'oidc.login',
      actor: `provider:${providerId}`,
      subject: result.user.address,
      ip: input.client.ip,
      result: 'ok',
      detail: `session=${created.session.id}${result.created ? ' created-user' : ''}`,
    });
    return { ok: true, ...created, redirect: login.return_to };
  }

  return {
    drivers: [...providers.values()].map((p) => ({
      info: {
        id: p.settings.id,
        name: p.settings.name,
        kind: 'oidc' as const,
        startUrl: `/auth/oidc/${p.settings.id}/start`,
      },
      endSessionUrl: (session, baseUrl) => endSessionUrl(p, session, baseUrl),
    })),

    async start(providerId, { returnTo, baseUrl, binding }) {
      const p = get(providerId);
      let config: client.Configuration;
      try {
        config = await p.configuration();
      } catch (err) {
        log.warn({ provider: providerId, err: (err as Error).message }, 'IdP discovery failed');
        throw new AppError('UNAVAILABLE', `The identity provider ${providerId} cannot be reached`);
      }
      const state = randomToken();
      const nonce = randomToken();
      const verifier = client.randomPKCECodeVerifier();
      const redirectUri = `${baseUrl}/auth/oidc/${providerId}/callback`;
      const browser = looksLikeToken(binding) ? binding : randomToken();
      await pending.put(state, browser, {
        provider_id: providerId,
        nonce,
        code_verifier: verifier,
        redirect_uri: redirectUri,
        return_to: returnTo,
      });
      const scopes = new Set(['openid', ...p.settings.scopes]);
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: [...scopes].join(' '),
        state,
        nonce,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      });
      return { url: url.href, binding: browser };
    },

    callback,

    async backchannelLogout(providerId, logoutToken, ip) {
      const p = providers.get(providerId);
      if (!p) return { ok: false, description: `no provider "${providerId}"` };
      if (typeof logoutToken !== 'string' || logoutToken === '') {
        return { ok: false, description: 'send logout_token as a form field' };
      }
      try {
        const config = await p.configuration();
        const who = await verifyLogoutToken(logoutToken, {
          issuer: config.serverMetadata().issuer,
          clientId: p.settings.clientId,
          keys: await p.keys(),
          algorithms: await p.algorithms(),
          providerId,
          db,
          now,
        });
        const ended = await sessions.revokeByExternal(providerId, who, 'backchannel_logout');
        await audit.record({
          event: BACKCHANNEL_EVENT,
          actor: `provider:${providerId}`,
          subject: '',
          ip,
          result: 'ok',
          detail: `sid=${who.sid ?? '-'} sub=${who.sub ?? '-'} ended=${ended}`,
        });
        return { ok: true, ended };
      } catch (err) {
        const description =
          err instanceof InvalidLogoutToken ? err.message : 'the provider’s keys could not be loaded';
        if (!(err instanceof InvalidLogoutToken))
          log.warn({ provider: providerId, err }, 'logout token check failed');
        await audit.record({
          event: BACKCHANNEL_EVENT,
          actor: `provider:${providerId}`,
          subject: '',
          ip,
          result: 'refused',
          detail: description,
        });
        return { ok: false, description };
      }
    },

    async sweep() {
      await pending.sweep();
      await db.deleteFrom('sso_seen_tokens').where('expires_at', '<=', now()).execute();
    },
  };
}
