import type { Kysely } from 'kysely';
import type { Config } from '../config/index.js';
import type { Directory } from '../directory/index.js';
import type { LoginGuard } from '../limits/index.js';
import type { DB } from '../store/index.js';
import type { Logger } from '../telemetry/index.js';
import { type Audit, createAudit } from './audit.js';
import { type CasSignIn, createCasSignIn } from './cas/sign-in.js';
import { createLoginLinks, type LoginLinks } from './links/login-links.js';
import { createOidcRelyingParty, type OidcRelyingParty } from './oidc/relying-party.js';
import { createPasswordChange, type PasswordChange } from './password/password-change.js';
import { createPasswordLogin, type PasswordLogin } from './password/password-login.js';
import { createProviderStatus, type ProviderStatus } from './provider-status.js';
import { createProviderRegistry, type ProviderRegistry } from './providers.js';
import { createSessionRegistry, type SessionRegistry } from './sessions/registry.js';
import type { LoginProvider, Session } from './types.js';

export interface SsoDeps {
  db: Kysely<DB>;
  directory: Directory;
  config: Pick<Config, 'sessions' | 'sso'>;
  log: Logger;
  /** The login guard every listener shares (limits/); a test passes one with a fake clock. */
  loginGuard: LoginGuard;
  now?: () => number;
  /** HTTP client for identity providers (tests pass one); default global fetch. */
  fetch?: typeof fetch;
}

/** Web sessions and every way into them: password, login links, OIDC (CAS registers here too). */
export interface Sso {
  sessions: SessionRegistry;
  passwordLogin: PasswordLogin;
  /** A local user's own password change (the webmail's settings). */
  passwordChange: PasswordChange;
  loginLinks: LoginLinks;
  oidc: OidcRelyingParty;
  audit: Audit;
  /** SSO methods on the login page; CAS adds its drivers with `providers.add`. */
  providers: ProviderRegistry;
  /** CAS sign-in and single logout (`sso.cas[]`). */
  cas: CasSignIn;
  /** How each configured OIDC/CAS provider is doing (reachability, sign-ins today): the admin console's view. */
  providerStatus: { list(): Promise<ProviderStatus[]> };
  /** What `GET /auth/config` answers. */
  loginConfig(): { passwordLogin: boolean; providers: LoginProvider[] };
  /** The IdP end-session URL to send the browser to after `session` ended, or null. */
  endSessionUrl(session: Session, baseUrl: string): Promise<string | null>;
  /** Deletes expired rows (sessions, links, pending sign-ins, seen token ids). */
  sweep(): Promise<void>;
}

/**
 * Builds the SSO module; `main.ts` calls it once and passes it to the API.
 * Throws for an OIDC provider with a bad issuer or an unreadable secret
 * file; contacts no IdP (discovery happens at the first sign-in).
 */
export function createSso(deps: SsoDeps): Sso {
  const { db, directory, config, log } = deps;
  const sessions = createSessionRegistry({
    db,
    log: log.child({ component: 'sessions' }),
    idleSeconds: config.sessions.idleSeconds,
    maxSeconds: config.sessions.maxSeconds,
    now: deps.now,
  });
  const passwordLogin = createPasswordLogin({
    directory,
    sessions,
    guard: deps.loginGuard,
    enabled: config.sso.passwordLogin,
    log,
  });
  const passwordChange = createPasswordChange({ directory, sessions, guard: deps.loginGuard, log });
  const providers = createProviderRegistry();
  const audit = createAudit(db, log, deps.now);
  const loginLinks = createLoginLinks({ db, sessions, audit, now: deps.now });
  const oidc = createOidcRelyingParty({
    providers: config.sso.oidc,
    db,
    directory,
    sessions,
    audit,
    log: log.child({ component: 'oidc' }),
    now: deps.now,
  });
  for (const driver of oidc.drivers) providers.add(driver);
  const cas = createCasSignIn({
    providers: config.sso.cas,
    directory,
    sessions,
    log: log.child({ component: 'cas' }),
    fetch: deps.fetch,
    audit,
  });
  for (const driver of cas.drivers()) providers.add(driver);

  const providerStatus = createProviderStatus({
    db,
    oidc: config.sso.oidc,
    cas: config.sso.cas,
    fetch: deps.fetch,
    now: deps.now,
  });

  return {
    providerStatus,
    sessions,
    passwordLogin,
    passwordChange,
    loginLinks,
    oidc,
    audit,
    providers,
    cas,
    loginConfig: () => ({ passwordLogin: passwordLogin.enabled, providers: providers.list() }),
    async endSessionUrl(session, baseUrl) {
      const driver = session.providerId ? providers.get(session.providerId) : undefined;
      return driver ? driver.endSessionUrl(session, baseUrl) : null;
    },
    async sweep() {
      await sessions.sweep();
      await loginLinks.sweep();
      await oidc.sweep();
    },
  };
}
