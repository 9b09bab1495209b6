/**
 * Writes the OpenAPI document of /api/v1 to openapi/jdmail-v1.json (or to
 * stdout with `--stdout`, which scripts/check-generated.mjs uses to compare
 * without touching the tree). The app is built over in-memory stubs: the
 * document depends only on the route schemas, never on data.
 *
 *   pnpm --filter @jdmail/server generate:openapi
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Kysely, SqliteDialect } from 'kysely';
import { createApiApp } from '../src/api/index.js';
import { FakeDirectory } from '../src/api/testing/fake-directory.js';
import { FakeAddressBook, FakeDirectorySync } from '../src/api/testing/fake-directory-services.js';
import { FakeMail } from '../src/api/testing/fake-mail.js';
import { unusedOAuth } from '../src/api/testing/unused-oauth.js';
import { loadConfig } from '../src/config/index.js';
import { createLoginGuard, createMemoryBucketStore } from '../src/limits/index.js';
import { createSso } from '../src/sso/index.js';
import type { DB } from '../src/store/index.js';
import { createLogger, createMetrics } from '../src/telemetry/index.js';

const OUT = fileURLToPath(new URL('../../../openapi/jdmail-v1.json', import.meta.url));

/** Sorts an object's keys; the order of everything else is the code's, which is already fixed. */
const sortKeys = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

export async function renderOpenApi(): Promise<string> {
  const log = createLogger({ level: 'silent' });
  const directory = new FakeDirectory();
  // Building the routes touches no database: one that refuses to connect proves it.
  const db = new Kysely<DB>({
    dialect: new SqliteDialect({
      database: async () => {
        throw new Error('the OpenAPI generator does not use a database');
      },
    }),
  });
  const loginGuard = createLoginGuard({ store: createMemoryBucketStore() });
  const app = await createApiApp({
    directory,
    loginGuard,
    mail: new FakeMail(),
    oauth: unusedOAuth(),
    sso: createSso({ db, directory, config: loadConfig({ env: {} }), log, loginGuard }),
    addressBook: new FakeAddressBook(directory),
    directorySync: new FakeDirectorySync(),
    config: { api: { bodyLimit: 1024 * 1024, defaultBodyLimit: 1024 * 1024, docs: true } },
    log,
    isReady: () => true,
    metrics: createMetrics(),
  });
  await app.ready();
  const doc = app.swagger() as {
    paths: Record<string, unknown>;
    components: { schemas: Record<string, unknown> };
  };
  await app.close();
  doc.paths = sortKeys(doc.paths);
  doc.components.schemas = sortKeys(doc.components.schemas);
  return `${JSON.stringify(doc, null, 2)}\n`;
}

const text = await renderOpenApi();
if (process.argv.includes('--stdout')) process.stdout.write(text);
else {
  await writeFile(OUT, text);
  console.log(`wrote ${OUT}`);
}
