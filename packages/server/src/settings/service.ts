import type { Directory, User } from '../directory/index.js';
import type { SettingsStore } from './settings-store.js';
import type { SettingsPatch, UserSettings } from './types.js';
import { applySettingsPatch } from './validate.js';

/** A user's settings as the API shows them: the directory's display name with the settings row. */
export interface AccountSettings extends UserSettings {
  displayName: string;
}

export interface UserSettingsService {
  get(user: User): Promise<AccountSettings>;
  /**
   * Changes only the given fields (VALIDATION_FAILED naming the field for a bad
   * one; nothing changes then). A display name goes to the directory, which
   * records the `user.updated` event.
   */
  update(user: User, patch: SettingsPatch & { displayName?: string }): Promise<AccountSettings>;
  /** What the delivery step reads (settings/after-delivery.ts). */
  readonly store: SettingsStore;
}

/** Whether a change starts a new auto-reply period: turned on, or its window or text changed. */
function newAutoReplyPeriod(before: UserSettings, after: UserSettings): boolean {
  const a = before.vacation;
  const b = after.vacation;
  if (!b.enabled) return false;
  return !a.enabled || a.startsAt !== b.startsAt || a.endsAt !== b.endsAt || a.text !== b.text;
}

export function createUserSettingsService(deps: {
  store: SettingsStore;
  directory: Directory;
}): UserSettingsService {
  const { store, directory } = deps;
  return {
    store,
    async get(user) {
      return { displayName: user.displayName, ...(await store.get(user.id)) };
    },
    async update(user, patch) {
      const before = await store.get(user.id);
      const own = new Set([user.address, ...user.aliases]);
      const after = applySettingsPatch(before, patch, own);
      let { displayName } = user;
      if (patch.displayName !== undefined) {
        displayName = (await directory.updateUser(user.address, { displayName: patch.displayName }))
          .displayName;
      }
      const { displayName: _, ...settingsPatch } = patch;
      const saved = Object.keys(settingsPatch).length > 0 ? await store.put(user.id, after) : before;
      // RFC 5230 §4.6 lets a changed reply answer again; a fresh period should reach everyone once.
      if (newAutoReplyPeriod(before, after)) await store.forgetAutoReplies(user.id);
      return { displayName, ...saved };
    },
  };
}
