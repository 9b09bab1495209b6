import type { Logger } from 'pino';
import type {
  SMTPServerAuthentication,
  SMTPServerAuthenticationResponse,
  SMTPServerSession,
} from 'smtp-server';
import type { Directory } from '../../directory/index.js';
import type { LoginGuard } from '../../limits/index.js';
import { normalizeAddress } from '../../shared/index.js';
import { smtpError, toSmtpError } from '../errors.js';

export interface AuthHandlerDeps {
  directory: Directory;
  /** The login guard every listener shares (limits/). */
  guard: LoginGuard;
  log: Logger;
}

/**
 * AUTH PLAIN/LOGIN against the directory (RFC 4954), behind the login
 * guard. An attempt the guard refuses is answered at once, before the
 * password is looked at: 454 4.7.0, RFC 4954 §6's "temporary authentication
 * failure" — a client retries it later and does not ask the user for a new
 * password, as it would after 535. Not 421: that closes the connection
 * (RFC 5321 §3.8), but the wait is per account and address, and the same
 * session may still sign in as another user. Nothing sleeps while holding
 * the connection: a refused attempt costs the server one reply line.
 */
export function createAuthHandler(deps: AuthHandlerDeps) {
  const { directory, guard, log } = deps;
  return async (
    auth: SMTPServerAuthentication,
    session: SMTPServerSession,
  ): Promise<SMTPServerAuthenticationResponse> => {
    const address = normalizeAddress(auth.username ?? '');
    const password = auth.password ?? '';
    const ip = session.remoteAddress;
    const admission = await guard.admit(address, ip);
    if (!admission.admitted) {
      const wait = admission.retryAfter;
      throw smtpError(
        454,
        `4.7.0 Too many failed logins; try again in ${wait} second${wait === 1 ? '' : 's'}`,
      );
    }
    const { attempt } = admission;
    let user: Awaited<ReturnType<Directory['authenticate']>>;
    try {
      user = await directory.authenticate(address, password);
    } catch (err) {
      await attempt.cancelled(); // nothing was checked: not the user's failure
      throw toSmtpError(err); // directory unreachable → 454 4.7.0, never "wrong password"
    }
    if (!user) {
      await attempt.failed(password);
      log.info({ address, ip }, 'smtp authentication failed');
      throw smtpError(535, '5.7.8 Authentication credentials invalid');
    }
    await attempt.succeeded();
    return { user: user.id };
  };
}
