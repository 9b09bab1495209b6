/** Builds a webhook service on a real database (either engine) with the in-memory log, for tests. */
import pino from 'pino';
import { Value } from 'typebox/value';
import { type WebhooksConfig, WebhooksSchema } from '../../../config/webhooks-schema.js';
import { AppError, newId } from '../../../shared/index.js';
import type { Database } from '../../../store/index.js';
import { createWebhookService, type WebhookServiceDeps } from '../service.js';
import { createMemoryLog, type MemoryLog, memoryCloudEvent } from './memory-log.js';

/** Quick retries and timeouts, private targets allowed (receivers are on 127.0.0.1). */
export const FAST: Partial<WebhooksConfig> = {
  allowPrivateTargets: true,
  timeoutSeconds: 1,
  retryBaseSeconds: 0.05,
  retryMaxSeconds: 0.2,
  pollSeconds: 0.2,
  leaseSeconds: 5,
};

export function webhooksConfig(overrides: Partial<WebhooksConfig> = {}): WebhooksConfig {
  return { ...(Value.Default(WebhooksSchema, {}) as WebhooksConfig), ...FAST, ...overrides };
}

export async function addDomains(database: Database, names: string[]): Promise<void> {
  for (const name of names)
    await database.db.insertInto('domains').values({ id: newId(), name, created_at: Date.now() }).execute();
}

/** The directory's getDomain over the domains table. */
export const domainsOf = (database: Database) => ({
  async getDomain(name: string) {
    const row = await database.db
      .selectFrom('domains')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    if (!row) throw new AppError('DOMAIN_NOT_FOUND');
    return { id: row.id, name: row.name, createdAt: Number(row.created_at) };
  },
});

export function buildService(
  database: Database,
  options: {
    memory?: MemoryLog;
    config?: Partial<WebhooksConfig>;
  } & Partial<Pick<WebhookServiceDeps, 'owner' | 'http'>> = {},
) {
  const events = options.memory ?? createMemoryLog();
  const service = createWebhookService({
    database,
    directory: domainsOf(database),
    events,
    toCloudEvent: memoryCloudEvent,
    source: 'https://mail.example.test',
    log: pino({ level: 'silent' }),
    owner: options.owner,
    http: options.http,
    config: webhooksConfig(options.config),
  });
  return { service, events };
}
