import type { Kysely, Migration } from 'kysely';

/**
 * The inbox widget (issue 20): each app's allowed origins, the CORS
 * allow-list of the widget tokens it mints. A JSON array of serialized
 * origins (`https://portal.example.com`); empty until an admin sets it, and
 * an app without one cannot mint widget tokens.
 */
export const widget: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('apps')
      .addColumn('allowed_origins', 'text', (c) => c.notNull().defaultTo('[]'))
      .execute();
  },
};
