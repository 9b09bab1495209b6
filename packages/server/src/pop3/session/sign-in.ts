import { isAppError, normalizeAddress } from '../../shared/index.js';
import { err, ok } from '../protocol/index.js';
import type { TrackedSession } from './deps.js';
import type { SessionUser } from './mailbox-access.js';
import { Maildrop } from './maildrop.js';
import type { Pop3Session } from './session.js';

/** RFC 2595 §4 / RFC 8314: no password over cleartext unless the client's address is allowed. */
export const PLAINTEXT_REFUSED = err(
  'Plaintext authentication disallowed on non-secure connections; use STLS first',
  'AUTH',
);

/** Whether the session may sign in now: over TLS, or from an address `pop3.allowPlaintextAuth` lists. */
export function mayAuthenticate(session: Pop3Session): boolean {
  return session.secure || session.deps.settings.plaintextAuthFrom.has(session.ip);
}

/** What the client is told when its session is ended from elsewhere (sso/ revocation reasons). */
const ENDED: Record<string, string> = {
  admin: 'Session ended by an administrator',
  user_disabled: 'Account disabled',
  credentials_changed: 'Password changed; sign in again',
};

/**
 * Checks a password behind the login guard, exactly as SMTP AUTH does
 * (smtp/submission/auth.ts), then opens the maildrop. A refused attempt is
 * answered at once with the wait (nothing sleeps holding the connection);
 * a directory that cannot answer is `[SYS/TEMP]` (RFC 3206 §4), never
 * "wrong password", and costs the user nothing.
 */
export async function signIn(session: Pop3Session, name: string, password: string): Promise<void> {
  const { guard, directory, log } = session.deps;
  const address = normalizeAddress(name);
  const admission = await guard.admit(address, session.ip);
  if (!admission.admitted) {
    const wait = admission.retryAfter;
    return session.send(
      err(`Too many failed logins; try again in ${wait} second${wait === 1 ? '' : 's'}`, 'AUTH'),
    );
  }
  const { attempt } = admission;
  let user: Awaited<ReturnType<typeof directory.authenticate>>;
  try {
    user = await directory.authenticate(address, password);
  } catch (e) {
    await attempt.cancelled(); // nothing was checked: not the user's failure
    log.warn({ err: e, address, ip: session.ip }, 'pop3: the password could not be checked');
    return session.send(err('Temporary authentication failure; try again later', 'SYS/TEMP'));
  }
  if (!user) {
    await attempt.failed(password);
    log.info({ address, ip: session.ip }, 'pop3 authentication failed');
    return session.send(err('Authentication failed', 'AUTH'));
  }
  await attempt.succeeded();
  if (session.state !== 'closed') await openMaildrop(session, { id: user.id, address: user.address });
}

/**
 * Enters the TRANSACTION state (RFC 1939 §4): a place among the user's
 * sessions (`[IN-USE]` past the limit), an entry in the session registry
 * (so the session can be ended from elsewhere), and the INBOX snapshot.
 */
async function openMaildrop(session: Pop3Session, user: SessionUser): Promise<void> {
  const { deps } = session;
  const release = deps.userSessions.acquire(user.id);
  if (!release) {
    return session.send(
      err(`Too many POP3 sessions of ${user.address} at once; close another mail client first`, 'IN-USE'),
    );
  }
  let tracked: TrackedSession;
  try {
    tracked = await deps.tracker.open(
      { userId: user.id, client: { ip: session.ip, userAgent: 'POP3' } },
      (why) => session.interrupt(err(ENDED[why] ?? 'Session ended', 'AUTH'), true),
    );
  } catch (e) {
    release();
    if (isAppError(e) && e.code === 'USER_DISABLED')
      return session.send(err('Authentication failed', 'AUTH'));
    deps.log.warn({ err: e, user: user.address }, 'pop3: the session could not be registered');
    return session.send(err('Temporary failure; try again later', 'SYS/TEMP'));
  }
  session.onClose(() => {
    release();
    return tracked.close();
  });
  if (session.state === 'closed') return;
  try {
    const { mailboxId, entries } = await deps.mailbox.snapshot(user.id);
    session.maildrop = new Maildrop(mailboxId, entries);
  } catch (e) {
    deps.log.error({ err: e, user: user.address }, 'pop3: the mailbox could not be read');
    return session.end(err('Cannot open the mailbox now; try again later', 'SYS/TEMP'));
  }
  session.user = user;
  session.state = 'transaction';
  const { count, octets } = session.maildrop.stat();
  deps.log.info({ user: user.address, ip: session.ip, messages: count }, 'pop3 sign-in');
  session.send(ok(`${user.address} has ${count} message${count === 1 ? '' : 's'} (${octets} octets)`));
}
