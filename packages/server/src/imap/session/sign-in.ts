import { isAppError, normalizeAddress } from '../../shared/index.js';
import { capabilities } from './capability.js';
import type { TrackedSession } from './deps.js';
import type { ImapSession } from './session.js';
import { type Completion, no, ok } from './types.js';

/** RFC 9051 §6.2.3 / RFC 3501 §6.2.3: no password over cleartext unless the client's address is allowed. */
export const PRIVACY_REQUIRED: Completion = no(
  'Plaintext authentication disallowed on non-secure connections; use STARTTLS or port 993/IMAPS',
  { name: 'PRIVACYREQUIRED' },
);

/** What the client is told when its session is ended from elsewhere (sso/ revocation reasons). */
const ENDED: Record<string, string> = {
  admin: 'Session ended by an administrator',
  user_disabled: 'Account disabled',
  credentials_changed: 'Password changed; log in again',
};

/**
 * Checks a password behind the one login guard, exactly as SMTP AUTH and
 * POP3 do, then enters the authenticated state. A refused attempt is
 * answered at once with the wait (nothing sleeps holding the connection);
 * a directory that cannot answer is `NO [UNAVAILABLE]` (RFC 5530), never
 * "wrong password", and costs the user nothing.
 */
export async function signIn(session: ImapSession, name: string, password: string): Promise<Completion> {
  // A burst of LOGINs with the right password waits its turn in the guard (two checks of one
  // account from one address at a time), rather than being refused as guessing.
  const checked = await checkPassword(session, normalizeAddress(name), password);
  if ('completion' in checked) return checked.completion;
  if (session.closed) return no('Connection closed');
  return enterAuthenticated(session, checked.user);
}

/** The guard's admission and the password check: the user, or the answer to give. */
async function checkPassword(
  session: ImapSession,
  address: string,
  password: string,
): Promise<{ completion: Completion } | { user: { id: string; address: string } }> {
  const { guard, directory, log } = session.deps;
  const admission = await guard.admit(address, session.ip);
  if (!admission.admitted) {
    const wait = admission.retryAfter;
    log.info({ address, ip: session.ip }, 'imap login refused: too many failures');
    return {
      completion: no(`Too many failed logins; try again in ${wait} second${wait === 1 ? '' : 's'}`, {
        name: 'UNAVAILABLE',
      }),
    };
  }
  const { attempt } = admission;
  let user: Awaited<ReturnType<typeof directory.authenticate>>;
  try {
    user = await directory.authenticate(address, password);
  } catch (e) {
    await attempt.cancelled(); // nothing was checked: not the user's failure
    log.warn({ err: e, address, ip: session.ip }, 'imap: the password could not be checked');
    return { completion: no('Temporary authentication failure; try again later', { name: 'UNAVAILABLE' }) };
  }
  if (!user) {
    await attempt.failed(password);
    log.info({ address, ip: session.ip }, 'imap authentication failed');
    return { completion: no('Authentication failed', { name: 'AUTHENTICATIONFAILED' }) };
  }
  await attempt.succeeded();
  return { user: { id: user.id, address: user.address } };
}

/**
 * Enters the authenticated state (RFC 9051 §3.2): a place among the user's
 * sessions (`NO [LIMIT]` past the limit), an entry in the session registry
 * (so the session can be ended from elsewhere), and the user's change feed.
 * The tagged OK carries the new capabilities (RFC 9051 §6.2.3).
 */
async function enterAuthenticated(
  session: ImapSession,
  user: { id: string; address: string },
): Promise<Completion> {
  const { deps } = session;
  const lease = deps.userSessions.acquire(user.id);
  if (!lease) {
    return no(`Too many IMAP sessions of ${user.address} at once; close another mail client first`, {
      name: 'LIMIT',
    });
  }
  let tracked: TrackedSession;
  try {
    const agent = session.clientName ? `IMAP ${session.clientName}` : 'IMAP';
    tracked = await deps.tracker.open(
      { userId: user.id, client: { ip: session.ip, userAgent: agent } },
      (why) => session.interrupt(ENDED[why] ?? 'Session ended'),
    );
  } catch (e) {
    lease.release();
    if (isAppError(e) && e.code === 'USER_DISABLED')
      return no('Authentication failed', { name: 'AUTHENTICATIONFAILED' });
    deps.log.warn({ err: e, user: user.address }, 'imap: the session could not be registered');
    return no('Temporary failure; try again later', { name: 'UNAVAILABLE' });
  }
  session.conn.onClose(() => {
    lease.release();
    return tracked.close();
  });
  if (session.closed) return no('Connection closed');
  session.user = user;
  session.state = 'authenticated';
  session.watchChanges(user.id);
  session.log.info({ user: user.address, ip: session.ip, client: session.clientName }, 'imap login');
  return ok('Logged in', { name: 'CAPABILITY', args: capabilities(session) });
}
