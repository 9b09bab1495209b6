import type { HttpClient } from '../http.js';
import type {
  ChangePasswordResult,
  EndSessionsResult,
  UpdateUserSettingsInput,
  UserSettings,
} from '../types.js';
import { path } from './path.js';

/**
 * `client.settings`: a user's own settings — display name, language,
 * signature, auto-reply and forwarding — and the self-service account
 * actions (password change, signing out other devices).
 */
export class Settings {
  /** @internal Made by {@link JdMail}; use `jd.<resource>`. */
  constructor(private readonly http: HttpClient) {}

  /**
   * The user's settings (the user themselves, or an admin of their domain).
   *
   * @example
   * const { vacation, forwarding } = await jd.settings.get('alice@example.com');
   */
  get(user: string): Promise<UserSettings> {
    return this.http.json({ method: 'GET', path: path`/users/${user}/settings` });
  }

  /**
   * Changes only the given fields (needs `mail:write`); returns the settings as saved.
   *
   * @example
   * await jd.settings.update('alice@example.com', {
   *   vacation: { enabled: true, subject: 'Away', text: 'Back on Monday', days: 7 },
   * });
   */
  update(user: string, patch: UpdateUserSettingsInput): Promise<UserSettings> {
    return this.http.json({ method: 'PATCH', path: path`/users/${user}/settings`, body: patch });
  }

  /**
   * The user's own password change (a client signed in as that user). Every other session ends.
   * A wrong current password throws a `ValidationError` with code `CURRENT_PASSWORD_WRONG`.
   *
   * @example
   * await jd.settings.changePassword('alice@example.com', { currentPassword, newPassword });
   */
  changePassword(
    user: string,
    input: { currentPassword: string; newPassword: string },
  ): Promise<ChangePasswordResult> {
    return this.http.json({ method: 'POST', path: path`/users/${user}/password`, body: input });
  }

  /**
   * Ends some of the user's own sessions: `{ ids }`, or `{ allOthers: true }` for every one but the caller's.
   *
   * @example
   * const { ended } = await jd.settings.endSessions('alice@example.com', { allOthers: true });
   */
  endSessions(user: string, which: { ids: string[] } | { allOthers: true }): Promise<EndSessionsResult> {
    return this.http.json({ method: 'POST', path: path`/users/${user}/sessions/end`, body: which });
  }
}
