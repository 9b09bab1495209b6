/**
 * The webhook service: what the API calls (endpoints, secrets, attempts, a
 * test ping) and the delivery worker, built from their parts with the
 * dependencies passed in.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { WebhooksConfig } from '../../config/webhooks-schema.js';
import type { Directory } from '../../directory/index.js';
import { newId } from '../../shared/index.js';
import type { Database } from '../../store/index.js';
import { createAttemptLog } from './attempts.js';
import { type DeliverDeps, deliverEvent } from './deliver.js';
import { createEndpointStore, toEndpoint } from './endpoints.js';
import { createWebhookHttp, type WebhookHttp } from './http.js';
import type { CloudEventOf, EventLog, EventRecord } from './log-contract.js';
import { checkTargetUrl } from './ssrf.js';
import type { WebhookService } from './types.js';
import { createWebhookWorker } from './worker.js';

export interface WebhookServiceDeps {
  database: Database;
  directory: Pick<Directory, 'getDomain'>;
  events: EventLog;
  toCloudEvent: CloudEventOf;
  /** The CloudEvents `source` of this install (its public URL). */
  source: string | (() => string);
  config: WebhooksConfig;
  log: Logger;
  /** This node's name in leases; default a random one per process. */
  owner?: string;
  now?: () => number;
  random?: () => number;
  /** The HTTP client (tests may pass their own); default undici with the SSRF guard. */
  http?: WebhookHttp;
}

export function createWebhookService(deps: WebhookServiceDeps): WebhookService {
  const { database, config, log } = deps;
  const now = deps.now ?? Date.now;
  const http =
    deps.http ??
    createWebhookHttp({
      timeoutMs: config.timeoutSeconds * 1000,
      allowPrivateTargets: config.allowPrivateTargets,
      userAgent: 'jdmail-webhooks/1',
    });
  const store = createEndpointStore({ db: database.db, directory: deps.directory, now });
  const attempts = createAttemptLog(database.db, (err, dropped) =>
    log.warn({ err, dropped }, 'webhook attempt records could not be written'),
  );
  const deliver: DeliverDeps = {
    database,
    events: deps.events,
    http,
    attempts,
    toCloudEvent: deps.toCloudEvent,
    source: deps.source,
    policy: {
      baseMs: config.retryBaseSeconds * 1000,
      maxMs: config.retryMaxSeconds * 1000,
      giveUpMs: config.retryHours * 3_600_000,
      maxFailures: config.disableAfterFailures,
    },
    owner: deps.owner ?? `node-${randomUUID()}`,
    leaseMs: config.leaseSeconds * 1000,
    now,
    random: deps.random,
  };
  const worker = createWebhookWorker({
    ...deliver,
    concurrency: config.concurrency,
    pollMs: config.pollSeconds * 1000,
    attemptRetentionMs: config.attemptRetentionDays * 86_400_000,
    logger: log,
  });
  const checkUrl = (url: string) => checkTargetUrl(url, config.allowPrivateTargets);

  return {
    async create(input) {
      const url = await checkUrl(input.url);
      const { row, secret } = await store.insert({ ...input, url, cursor: await deps.events.head() });
      log.info({ webhook: row.id, domain: row.domain, by: input.createdBy }, 'webhook endpoint created');
      return { endpoint: toEndpoint(row), secret };
    },
    list: (q, scope) => store.list(q, scope),
    get: (id, scope) => store.get(id, scope),
    async update(id, patch, scope, by) {
      const row = await store.find(id, scope);
      const url = patch.url === undefined ? undefined : await checkUrl(patch.url);
      await store.update(row, { ...patch, url }, by);
      if (patch.enabled || url !== undefined) worker.wake();
      return store.get(id, scope);
    },
    async remove(id, scope) {
      await store.remove(await store.find(id, scope));
    },
    async rotateSecret(id, overlapHours, scope) {
      const row = await store.find(id, scope);
      const secret = await store.rotate(row, (overlapHours ?? config.secretOverlapHours) * 3_600_000);
      return { endpoint: await store.get(id, scope), secret };
    },
    async enable(id, scope) {
      await store.enable(await store.find(id, scope));
      worker.wake();
      return store.get(id, scope);
    },
    async attempts(id, q, scope) {
      await store.find(id, scope);
      await attempts.flush();
      return attempts.list(id, q);
    },
    async test(id, scope) {
      const row = await store.find(id, scope);
      const at = now();
      const event: EventRecord = {
        position: 0,
        id: randomUUID(),
        // Not a type of the log's catalogue: a ping outside it, in the same envelope.
        type: 'webhook.test' as EventRecord['type'],
        time: at,
        domain: row.domain,
        address: null,
        data: { endpointId: row.id, message: 'A test delivery from jdmail' },
      };
      const result = await deliverEvent(deliver, row, event, 1);
      await attempts.flush();
      return {
        id: result.attemptId ?? newId(at),
        eventId: event.id,
        eventType: event.type,
        position: 0,
        attempt: 1,
        at,
        ok: result.ok,
        status: result.status,
        durationMs: result.durationMs,
        error: result.error,
        response: result.response,
      };
    },
    start: () => worker.start(),
    wake: () => worker.wake(),
    async stop() {
      await worker.stop();
      await http.close();
    },
  };
}
