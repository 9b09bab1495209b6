import type { Kysely, Migration } from 'kysely';
import { nameKeysOf } from '../../directory/name-keys.js';

/**
 * `users.name_keys`: the pinyin of a Chinese display name, full and initials
 * (`张三` → `zhangsan zs`, directory/name-keys.ts), written with the name so the
 * address book matches it with one LIKE per row instead of converting every
 * name at every keystroke. Existing users are filled in here, a page at a time.
 */
export const nameKeys: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('users')
      .addColumn('name_keys', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    const users = db as unknown as Kysely<{ users: { id: string; display_name: string; name_keys: string } }>;
    let after = '';
    for (;;) {
      const rows = await users
        .selectFrom('users')
        .select(['id', 'display_name'])
        .where('id', '>', after)
        .orderBy('id')
        .limit(1000)
        .execute();
      if (rows.length === 0) break;
      for (const r of rows) {
        const keys = nameKeysOf(r.display_name);
        if (keys) await users.updateTable('users').set({ name_keys: keys }).where('id', '=', r.id).execute();
      }
      after = rows[rows.length - 1]?.id ?? after;
    }
  },
};
