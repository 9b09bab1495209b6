import type { Directory, User } from '../../directory/index.js';
import type { LoginGuard } from '../../limits/index.js';
import { AppError } from '../../shared/index.js';
import type { Logger } from '../../telemetry/index.js';
import type { SessionRegistry } from '../sessions/registry.js';

export interface PasswordChangeDeps {
  directory: Directory;
  sessions: SessionRegistry;
  /** The login guard every listener shares: a wrong current password is a failed sign-in. */
  guard: LoginGuard;
  log: Logger;
}

export interface PasswordChangeInput {
  user: User;
  currentPassword: string;
  newPassword: string;
  /** The session making the change: it stays signed in; null (Basic) keeps none. */
  currentSessionId: string | null;
  ip: string;
}

export interface PasswordChange {
  /**
   * A local user's own password change. USER_EXTERNALLY_MANAGED (409) for a
   * directory or SCIM user and one without a local password (SSO only);
   * RATE_LIMITED while failures demand a wait; CURRENT_PASSWORD_WRONG (counted
   * by the login guard as a failed sign-in); VALIDATION_FAILED for a weak new one.
   * Then every other session of the user (web, IMAP, POP3) ends; returns how many.
   */
  change(input: PasswordChangeInput): Promise<{ endedSessions: number }>;
}

export function createPasswordChange(deps: PasswordChangeDeps): PasswordChange {
  const { directory, sessions, guard, log } = deps;
  return {
    async change({ user, currentPassword, newPassword, currentSessionId, ip }) {
      if (user.source !== null)
        throw new AppError(
          'USER_EXTERNALLY_MANAGED',
          `${user.address} signs in with ${user.source === 'scim' ? 'the identity provider' : 'the directory'}; change the password there`,
        );
      if (!user.hasPassword)
        throw new AppError('USER_EXTERNALLY_MANAGED', `${user.address} signs in with single sign-on only`);
      const admission = await guard.admit(user.address, ip);
      if (!admission.admitted) {
        const wait = admission.retryAfter;
        throw new AppError('RATE_LIMITED', `Too many failed sign-ins; try again in ${wait} s`, {
          retryAfter: wait,
        });
      }
      const { attempt } = admission;
      let checked: User | null;
      try {
        checked = await directory.authenticate(user.address, currentPassword);
      } catch (err) {
        await attempt.cancelled();
        throw err;
      }
      if (checked?.id !== user.id) {
        await attempt.failed(currentPassword);
        log.info({ user: user.address, ip }, 'password change: wrong current password');
        throw new AppError('CURRENT_PASSWORD_WRONG', 'The current password is wrong', {
          field: 'currentPassword',
        });
      }
      await attempt.succeeded();
      await directory.updateUser(user.address, { password: newPassword });
      // The new password stamp ends every session at its next use; the one making the change goes on.
      if (currentSessionId) await sessions.restamp(currentSessionId);
      let endedSessions = 0;
      for (const s of await sessions.listForUser(user.id)) {
        if (s.id !== currentSessionId && (await sessions.revoke(s.id, 'credentials_changed')))
          endedSessions++;
      }
      log.info({ user: user.address, endedSessions }, 'password changed by the user');
      return { endedSessions };
    },
  };
}
