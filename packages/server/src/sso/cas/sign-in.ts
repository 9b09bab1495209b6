import type { Directory, User } from '../../directory/index.js';
import { AppError } from '../../shared/index.js';
import type { Logger } from '../../telemetry/index.js';
import type { Audit } from '../audit.js';
import type { SsoProviderDriver } from '../providers.js';
import type { SessionRegistry } from '../sessions/registry.js';
import { hashToken } from '../tokens.js';
import type { ClientInfo, Session } from '../types.js';
import { type ExternalUserMapping, resolveExternalUser } from '../users/external-user.js';
import { type CasClient, type CasProviderConfig, createCasClient } from './client.js';
import { logoutUrl, parseLogoutRequest } from './protocol.js';

/** The address CAS gave is already complete; nobody is created. */
const NO_JIT: ExternalUserMapping = { domain: '', jitDomain: '', jitGroup: '' };

/** CAS sign-in and single logout on top of the session registry. */
export interface CasSignIn {
  client: CasClient;
  /** One login-page driver per configured CAS server. */
  drivers(): SsoProviderDriver[];
  /**
   * Validates the ticket CAS sent the browser back with and starts a web
   * session for the mapped, existing and enabled user. The session records
   * a hash of the ticket: CAS single logout names the ticket (Appendix C).
   */
  signIn(input: {
    provider: CasProviderConfig;
    ticket: string;
    redirect: string;
    /** The `state` of the service URL, already matched with the browser's binding cookie. */
    state: string;
    baseUrl: string;
    client: ClientInfo;
    replaces?: string | null;
  }): Promise<{ token: string; session: Session; user: User }>;
  /**
   * Handles a single-logout POST: ends the session started with the ticket
   * the `logoutRequest` names. Returns how many sessions ended; null when the
   * body is not a logout request.
   */
  singleLogout(provider: CasProviderConfig, logoutRequest: string): Promise<number | null>;
}

export function createCasSignIn(deps: {
  providers: readonly CasProviderConfig[];
  directory: Directory;
  sessions: SessionRegistry;
  log: Logger;
  fetch?: typeof fetch;
  /** The SSO audit trail: each sign-in and refusal (`cas.login`), as OIDC's (`oidc.login`). */
  audit?: Audit;
}): CasSignIn {
  const { directory, sessions, log } = deps;
  const client = createCasClient({ providers: deps.providers, fetch: deps.fetch });

  async function signInOnce({
    provider,
    ticket,
    redirect,
    state,
    baseUrl,
    client: who,
    replaces,
  }: Parameters<CasSignIn['signIn']>[0]): ReturnType<CasSignIn['signIn']> {
    const identity = await client.validate(baseUrl, provider, ticket, redirect, state);
    // The same lookup as every SSO method; CAS does not provision users (no JIT domain).
    const found = await resolveExternalUser(directory, NO_JIT, identity.address, '', log);
    if (!found.ok) {
      log.info(
        { provider: provider.id, casUser: identity.casUser, address: identity.address, ip: who.ip },
        `CAS sign-in refused: ${found.reason}`,
      );
      throw new AppError(
        'SSO_FAILED',
        `No enabled mailbox ${identity.address} for CAS user ${identity.casUser}`,
      );
    }
    const { user } = found;
    const { token, session } = await sessions.create({
      userId: user.id,
      method: 'cas',
      providerId: provider.id,
      external: { sub: identity.casUser, ticket: hashToken(ticket) },
      client: who,
      replaces,
    });
    log.info({ user: user.address, session: session.id, provider: provider.id, ip: who.ip }, 'CAS sign-in');
    return { token, session, user };
  }

  return {
    client,
    drivers: () =>
      deps.providers.map((p) => ({
        info: { id: p.id, name: p.name, kind: 'cas' as const, startUrl: `/auth/cas/${p.id}/start` },
        // §2.3: CAS's /logout ends its SSO session; it then sends the browser back to our login page.
        endSessionUrl: async (_session: Session, baseUrl: string) =>
          logoutUrl(p.url, `${baseUrl}/login?error=signed_out`),
      })),

    async signIn(input) {
      const trail = (subject: string, result: string, detail: string) =>
        deps.audit?.record({
          event: 'cas.login',
          actor: `provider:${input.provider.id}`,
          subject,
          ip: input.client.ip,
          result,
          detail: detail.slice(0, 300),
        });
      let done: Awaited<ReturnType<CasSignIn['signIn']>>;
      try {
        done = await signInOnce(input);
      } catch (err) {
        await trail('', 'refused', (err as Error).message);
        throw err;
      }
      await trail(done.user.address, 'ok', `session=${done.session.id}`);
      return done;
    },

    async singleLogout(provider, logoutRequest) {
      const ticket = parseLogoutRequest(logoutRequest);
      if (ticket === null) return null;
      const ended = await sessions.revokeByExternal(
        provider.id,
        { ticket: hashToken(ticket) },
        'single_logout',
      );
      log.info({ provider: provider.id, sessions: ended }, 'CAS single logout');
      return ended;
    },
  };
}
