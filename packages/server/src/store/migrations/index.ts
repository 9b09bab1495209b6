import type { Migration, MigrationProvider } from 'kysely';
import { initial } from './0001-initial.js';
import { appTokens } from './0004-app-tokens.js';

/** Migrations in order; names are permanent once released. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0004-app-tokens': appTokens,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
