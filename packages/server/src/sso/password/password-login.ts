import type { Directory, User } from '../../directory/index.js';
import type { LoginGuard } from '../../limits/index.js';
import { AppError } from '../../shared/index.js';
import type { Logger } from '../../telemetry/index.js';
import type { SessionRegistry } from '../sessions/registry.js';
import type { ClientInfo, Session } from '../types.js';

export interface PasswordLoginDeps {
  directory: Directory;
  sessions: SessionRegistry;
  /** The login guard every listener shares: failures here count for SMTP and the API too. */
  guard: LoginGuard;
  /** `sso.passwordLogin`: false leaves only SSO for the webmail. */
  enabled: boolean;
  log: Logger;
}

export interface PasswordLoginInput {
  address: string;
  password: string;
  client: ClientInfo;
  /** The session token the browser still sent, if any: replaced by the new session. */
  replaces?: string | null;
}

export interface SignedIn {
  /** The new session's secret token (the cookie value). */
  token: string;
  session: Session;
  user: User;
}

export interface PasswordLogin {
  readonly enabled: boolean;
  /**
   * Checks the password and starts a web session. Throws RATE_LIMITED (with
   * `retryAfter`) while failures demand a wait, UNAUTHENTICATED for a wrong
   * address or password (the same for both), DIRECTORY_UNAVAILABLE when the
   * directory cannot answer, FORBIDDEN when password sign-in is off.
   */
  login(input: PasswordLoginInput): Promise<SignedIn>;
}

export function createPasswordLogin(deps: PasswordLoginDeps): PasswordLogin {
  const { directory, sessions, guard, log } = deps;
  return {
    enabled: deps.enabled,
    async login({ address, password, client, replaces }) {
      if (!deps.enabled)
        throw new AppError('FORBIDDEN', 'Password sign-in is turned off; use single sign-on');
      const admission = await guard.admit(address, client.ip);
      if (!admission.admitted) {
        const wait = admission.retryAfter;
        throw new AppError('RATE_LIMITED', `Too many failed sign-ins; try again in ${wait} s`, {
          retryAfter: wait,
        });
      }
      const { attempt } = admission;
      let user: User | null;
      try {
        user = await directory.authenticate(address, password);
      } catch (err) {
        await attempt.cancelled(); // nothing was checked: not the user's failure
        throw err;
      }
      if (!user) {
        await attempt.failed(password);
        log.info({ address, ip: client.ip }, 'web sign-in failed');
        throw new AppError('UNAUTHENTICATED', 'Wrong address or password');
      }
      await attempt.succeeded();
      const { token, session } = await sessions.create({
        userId: user.id,
        method: 'password',
        client,
        replaces,
      });
      log.info({ user: user.address, session: session.id, ip: client.ip }, 'web sign-in');
      return { token, session, user };
    },
  };
}
