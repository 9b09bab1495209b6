import type { Kysely, Selectable } from 'kysely';
import type { DB, UserSettingsTable } from '../store/index.js';
import {
  DEFAULT_FORWARDING,
  DEFAULT_VACATION,
  type Forwarding,
  LANGUAGES,
  type Language,
  type UserSettings,
  type Vacation,
} from './types.js';

const DAY_MS = 86_400_000;

/** Users' settings rows and the auto-reply memory; both engines (plain SQL through Kysely). */
export interface SettingsStore {
  /** The user's settings; the defaults when they never saved any. */
  get(userId: string): Promise<UserSettings>;
  /** Stores the whole settings of a user (already validated); returns them as stored. */
  put(userId: string, settings: UserSettings, now?: number): Promise<UserSettings>;
  /** Forgets every sender the user auto-replied to: a new auto-reply period answers everyone once again. */
  forgetAutoReplies(userId: string): Promise<void>;
  /**
   * Whether the user may auto-reply to `sender` now, and if so records it:
   * at most once per sender per `days` (RFC 3834 §2; RFC 5230 §4.6). Two
   * deliveries at the same moment cannot both win (one insert or one guarded update).
   */
  claimAutoReply(userId: string, sender: string, days: number, now?: number): Promise<boolean>;
}

/** A JSON column as written by `put`; a damaged one reads as the defaults. */
function parsed<T extends object>(json: string | null, defaults: T): T {
  if (!json) return { ...defaults };
  try {
    return { ...defaults, ...(JSON.parse(json) as Partial<T>) };
  } catch {
    return { ...defaults };
  }
}

function toSettings(row: Selectable<UserSettingsTable> | undefined): UserSettings {
  if (!row)
    return {
      language: null,
      signature: { text: '', html: '' },
      vacation: { ...DEFAULT_VACATION },
      forwarding: { ...DEFAULT_FORWARDING, to: [] },
      updatedAt: null,
    };
  const language = (LANGUAGES as readonly string[]).includes(row.language ?? '')
    ? (row.language as Language)
    : null;
  return {
    language,
    signature: { text: row.signature_text, html: row.signature_html },
    vacation: parsed<Vacation>(row.vacation, DEFAULT_VACATION),
    forwarding: parsed<Forwarding>(row.forwarding, DEFAULT_FORWARDING),
    updatedAt: Number(row.updated_at),
  };
}

export function createSettingsStore(db: Kysely<DB>): SettingsStore {
  return {
    async get(userId) {
      const row = await db
        .selectFrom('user_settings')
        .selectAll()
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return toSettings(row);
    },

    async put(userId, s, now = Date.now()) {
      const values = {
        language: s.language,
        signature_text: s.signature.text,
        signature_html: s.signature.html,
        vacation: JSON.stringify(s.vacation),
        forwarding: JSON.stringify(s.forwarding),
        updated_at: now,
      };
      await db
        .insertInto('user_settings')
        .values({ user_id: userId, ...values })
        .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
        .execute();
      return { ...s, updatedAt: now };
    },

    async forgetAutoReplies(userId) {
      await db.deleteFrom('auto_replies').where('user_id', '=', userId).execute();
    },

    async claimAutoReply(userId, sender, days, now = Date.now()) {
      const key = sender.toLowerCase();
      const inserted = await db
        .insertInto('auto_replies')
        .values({ user_id: userId, sender: key, replied_at: now })
        .onConflict((oc) => oc.columns(['user_id', 'sender']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return true;
      const updated = await db
        .updateTable('auto_replies')
        .set({ replied_at: now })
        .where('user_id', '=', userId)
        .where('sender', '=', key)
        .where('replied_at', '<=', now - days * DAY_MS)
        .executeTakeFirst();
      return Number(updated.numUpdatedRows) === 1;
    },
  };
}
