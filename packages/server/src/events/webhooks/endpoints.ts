/**
 * Registered endpoints in the metadata database: validation of what a
 * caller may set, reading with the caller's scope (another tenant's
 * endpoints are WEBHOOK_NOT_FOUND, as missing ones), and the writes the API
 * makes. The delivery worker's writes are in `claim.ts`.
 */
import type { Kysely } from 'kysely';
import type { Directory } from '../../directory/index.js';
import { AppError, newId, normalizeDomain } from '../../shared/index.js';
import type { DB, WebhookEndpointsTable } from '../../store/index.js';
import type { EventScope } from './log-contract.js';
import { newSecret } from './secrets.js';
import type { CreateWebhookInput, Page, UpdateWebhookInput, WebhookEndpoint, WebhookScope } from './types.js';

export type EndpointRow = WebhookEndpointsTable & { domain: string | null };

const MAX_FILTERS = 100;
/** `message.new`, `user.*`, or `*`: dotted lower-case names, a trailing `.*` for a prefix. */
const EVENT_TYPE = /^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)$/;
const MAX_DESCRIPTION = 500;

export const toEndpoint = (r: EndpointRow): WebhookEndpoint => ({
  id: r.id,
  url: r.url,
  description: r.description,
  eventTypes: JSON.parse(r.event_types) as string[],
  domains: JSON.parse(r.domains) as string[],
  domain: r.domain,
  createdBy: r.created_by,
  enabled: Boolean(r.enabled),
  disabledReason: r.disabled_reason,
  failures: Number(r.failures),
  failingSince: r.failing_since === null ? null : Number(r.failing_since),
  nextAttemptAt: Number(r.failures) > 0 ? Number(r.next_attempt_at) : null,
  cursor: Number(r.cursor),
  previousSecretExpiresAt:
    r.previous_secret === null || r.previous_expires_at === null ? null : Number(r.previous_expires_at),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

/** What the endpoint may read of the log: its tenant's events, or those of its domain filter, or all. */
export function eventScopeOf(e: Pick<WebhookEndpoint, 'domain' | 'domains'>): EventScope {
  if (e.domain !== null) return { domains: [e.domain] };
  return e.domains.length > 0 ? { domains: e.domains } : { domains: 'all' };
}

/** The `types` of an EventLog read: none for "all". */
export const typesOf = (e: Pick<WebhookEndpoint, 'eventTypes'>): string[] | undefined =>
  e.eventTypes.length === 0 || e.eventTypes.includes('*') ? undefined : e.eventTypes;

function field(name: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${name}: ${message}`, { field: name });
}

export function validEventTypes(types: readonly string[]): string[] {
  if (types.length > MAX_FILTERS) throw field('eventTypes', `at most ${MAX_FILTERS}`);
  for (const t of types) {
    if (t.length > 100 || !EVENT_TYPE.test(t))
      throw field('eventTypes', `"${t.slice(0, 100)}" is not an event type (message.new) or prefix (user.*)`);
  }
  return [...new Set(types)];
}

/** The domain filter, normalized; a tenant's endpoint may name only its own domain. */
export function validDomains(domains: readonly string[], tenant: string | null): string[] {
  if (domains.length > MAX_FILTERS) throw field('domains', `at most ${MAX_FILTERS}`);
  const out = [...new Set(domains.map(normalizeDomain))];
  for (const d of out) {
    if (!d || d.length > 253) throw field('domains', 'names an empty or too long domain');
    if (tenant !== null && d !== tenant) throw new AppError('DOMAIN_NOT_FOUND', `domain ${d} does not exist`);
  }
  return out;
}

function validDescription(d: string | undefined): string {
  const s = (d ?? '').trim();
  if (s.length > MAX_DESCRIPTION) throw field('description', `at most ${MAX_DESCRIPTION} characters`);
  return s;
}

const cursorOf = (value: string | undefined): string | undefined => {
  if (value === undefined || value === '') return undefined;
  if (!/^[0-9A-Za-z_-]{1,64}$/.test(value)) throw new AppError('INVALID_CURSOR');
  return value;
};

export interface EndpointStoreDeps {
  db: Kysely<DB>;
  directory: Pick<Directory, 'getDomain'>;
  now: () => number;
}

/** The endpoint rows, read and written with a caller's scope. */
export function createEndpointStore({ db, directory, now }: EndpointStoreDeps) {
  const base = () =>
    db
      .selectFrom('webhook_endpoints')
      .leftJoin('domains', 'domains.id', 'webhook_endpoints.domain_id')
      .selectAll('webhook_endpoints')
      .select('domains.name as domain');

  async function find(id: string, scope: WebhookScope): Promise<EndpointRow> {
    const row =
      id.length <= 64 ? await base().where('webhook_endpoints.id', '=', id).executeTakeFirst() : undefined;
    const visible =
      row !== undefined &&
      (scope.domains === 'all' || (row.domain !== null && scope.domains.includes(row.domain)));
    if (!visible) throw new AppError('WEBHOOK_NOT_FOUND', `webhook endpoint ${id} does not exist`);
    return row;
  }

  async function set(id: string, values: Partial<WebhookEndpointsTable>): Promise<void> {
    await db
      .updateTable('webhook_endpoints')
      .set({ ...values, updated_at: now() })
      .where('id', '=', id)
      .execute();
  }

  return {
    find,
    async get(id: string, scope: WebhookScope): Promise<WebhookEndpoint> {
      return toEndpoint(await find(id, scope));
    },

    /** Inserts an endpoint whose URL was checked; delivery starts after `cursor` (the log's head now). */
    async insert(
      input: CreateWebhookInput & { url: string; cursor: number },
    ): Promise<{ row: EndpointRow; secret: string }> {
      const domain = input.domain === null ? null : await directory.getDomain(input.domain);
      const t = now();
      const secret = newSecret();
      const row: WebhookEndpointsTable = {
        id: newId(t),
        url: input.url,
        description: validDescription(input.description),
        event_types: JSON.stringify(validEventTypes(input.eventTypes ?? [])),
        domains: JSON.stringify(validDomains(input.domains ?? [], domain?.name ?? null)),
        domain_id: domain?.id ?? null,
        created_by: input.createdBy,
        enabled: 1,
        disabled_reason: null,
        secret,
        previous_secret: null,
        previous_expires_at: null,
        cursor: input.cursor,
        failures: 0,
        failing_since: null,
        next_attempt_at: t,
        lease_owner: null,
        lease_until: null,
        created_at: t,
        updated_at: t,
      };
      await db.insertInto('webhook_endpoints').values(row).execute();
      return { row: { ...row, domain: domain?.name ?? null }, secret };
    },

    async list(q: { limit: number; cursor?: string }, scope: WebhookScope): Promise<Page<WebhookEndpoint>> {
      const after = cursorOf(q.cursor);
      let query = base()
        .orderBy('webhook_endpoints.id')
        .limit(q.limit + 1);
      if (after !== undefined) query = query.where('webhook_endpoints.id', '>', after);
      if (scope.domains !== 'all') {
        if (scope.domains.length === 0) return { items: [], nextCursor: null };
        query = query.where('domains.name', 'in', scope.domains);
      }
      const rows = await query.execute();
      const items = rows.slice(0, q.limit).map(toEndpoint);
      const last = items[items.length - 1];
      return { items, nextCursor: rows.length > q.limit && last ? last.id : null };
    },

    /** Applies a patch whose URL (if any) was checked. */
    async update(row: EndpointRow, patch: UpdateWebhookInput, by: string): Promise<void> {
      const values: Partial<WebhookEndpointsTable> = {};
      // A new URL is tried at once, not after the old one's backoff.
      if (patch.url !== undefined && patch.url !== row.url)
        Object.assign(values, { url: patch.url, next_attempt_at: now() });
      if (patch.description !== undefined) values.description = validDescription(patch.description);
      if (patch.eventTypes !== undefined)
        values.event_types = JSON.stringify(validEventTypes(patch.eventTypes));
      if (patch.domains !== undefined)
        values.domains = JSON.stringify(validDomains(patch.domains, row.domain));
      if (patch.enabled === false && row.enabled) {
        values.enabled = 0;
        values.disabled_reason = `disabled by ${by}`;
      }
      if (patch.enabled === true && !row.enabled) Object.assign(values, enabledAgain(now()));
      await set(row.id, values);
    },

    async remove(row: EndpointRow): Promise<void> {
      await db.deleteFrom('webhook_endpoints').where('id', '=', row.id).execute();
    },

    async rotate(row: EndpointRow, overlapMs: number): Promise<string> {
      const secret = newSecret();
      await set(row.id, {
        secret,
        previous_secret: overlapMs > 0 ? row.secret : null,
        previous_expires_at: overlapMs > 0 ? now() + overlapMs : null,
      });
      return secret;
    },

    async enable(row: EndpointRow): Promise<void> {
      await set(row.id, enabledAgain(now()));
    },
  };
}

/** Enabled, healthy and due now: delivery resumes from the cursor. */
const enabledAgain = (t: number): Partial<WebhookEndpointsTable> => ({
  enabled: 1,
  disabled_reason: null,
  failures: 0,
  failing_since: null,
  next_attempt_at: t,
});

export type EndpointStore = ReturnType<typeof createEndpointStore>;
