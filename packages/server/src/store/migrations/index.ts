import type { Migration, MigrationProvider } from 'kysely';
import { initial } from './0001-initial.js';
import { sso } from './0003-sso.js';

/** Migrations in order; names are permanent once released. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0003-sso': sso,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
