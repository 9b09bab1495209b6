import type { Migration, MigrationProvider } from 'kysely';
import { initial } from './0001-initial.js';
import { ldap } from './0002-ldap.js';

/** Migrations in order; names are permanent once released. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-ldap': ldap,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
