import type { FastifyRequest } from 'fastify';
import type { AuditActor, AuditEntryInput } from '../../audit/index.js';
import { splitAddress } from '../../shared/index.js';
import type { Principal } from '../auth/index.js';

/** The methods that change state; reads are not audited. */
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Path parameters that name an object; others (none today) are left out of `target`. */
const TARGET_PARAMS = ['address', 'domain', 'name', 'id', 'clientId', 'messageId', 'mailbox', 'source'];
const SCIM_VERBS: Record<string, string> = {
  POST: 'create',
  PUT: 'replace',
  PATCH: 'patch',
  DELETE: 'delete',
};

/**
 * Whether a request is one the audit log keeps: a state-changing method on
 * `/api/v1` or `/scim/v2`, by an authenticated caller — except a user's own
 * mail (reading, flagging, moving, sending their messages), which is their
 * mailbox's business and would drown the administrators' actions.
 */
export function isAudited(request: FastifyRequest): boolean {
  if (!UNSAFE.has(request.method) || !request.principal) return false;
  const route = request.routeOptions.url ?? '';
  if (!route.startsWith('/api/v1/') && !route.startsWith('/scim/v2/')) return false;
  // SCIM's POST /.search is a query (RFC 7644 §3.4.3), not a change.
  if (route.endsWith('/.search')) return false;
  const scope = request.routeOptions.config.auth?.scope ?? '';
  return !(scope.startsWith('mail:') && isOwnMailbox(request.principal, paramsOf(request).address));
}

const isOwnMailbox = (p: Principal, address: string | undefined): boolean =>
  p.kind === 'user' && address !== undefined && p.addresses.has(address.toLowerCase());

const paramsOf = (request: FastifyRequest) => (request.params ?? {}) as Record<string, string | undefined>;

/** The actor of an audited request: never a secret, only ids and a user's address. */
export function actorOf(p: Principal): AuditActor {
  if (p.kind === 'user') return { kind: 'user', id: p.id, address: p.address ?? [...p.addresses][0] ?? null };
  return { kind: p.kind, id: p.id, address: null };
}

/** The route's operationId; SCIM routes have none and are named `scim.<verb><Resource>`. */
function actionOf(request: FastifyRequest, route: string): string {
  const operationId = (request.routeOptions.schema as { operationId?: string } | undefined)?.operationId;
  if (operationId) return operationId;
  const resource = /^\/scim\/v2\/(Users|Groups)/.exec(route)?.[1];
  if (resource)
    return `scim.${SCIM_VERBS[request.method] ?? request.method.toLowerCase()}${resource.slice(0, -1)}`;
  return `${request.method} ${route}`;
}

const lower = (s: unknown): string | null => (typeof s === 'string' && s.length > 0 ? s.toLowerCase() : null);
const domainOfAddress = (s: unknown): string | null => {
  const a = lower(s);
  return a === null ? null : (splitAddress(a)?.domain ?? null);
};

/**
 * The domains a request touched, for scoping the log (a domain admin reads
 * their domains' entries): the path's address or domain, the body's and the
 * answer's `domain`/`address`, a restricted credential's own domain, and a
 * domain admin's only domain. Where none is known the entry is install-wide,
 * which only unrestricted readers see — the safe side.
 */
export function domainsOf(request: FastifyRequest, answered: unknown): string[] {
  const params = paramsOf(request);
  const route = request.routeOptions.url ?? '';
  const found = new Set<string>();
  const add = (d: string | null) => {
    if (d) found.add(d);
  };
  add(domainOfAddress(params.address));
  add(lower(params.domain));
  if (route.includes('/domains/:name')) add(lower(params.name));
  for (const o of [request.body, answered, (answered as { apiKey?: unknown } | null)?.apiKey]) {
    if (o === null || typeof o !== 'object' || Array.isArray(o)) continue;
    const { domain, address } = o as { domain?: unknown; address?: unknown };
    add(lower(domain));
    add(domainOfAddress(address));
  }
  const p = request.principal;
  if (p && (p.kind === 'api_key' || p.kind === 'app')) add(p.domain);
  if (found.size === 0 && p?.kind === 'user' && p.role === 'domain_admin' && p.adminDomains.size === 1)
    add([...p.adminDomains][0] ?? null);
  return [...found].sort();
}

/** The entry of an answered, audited request. */
export function entryOf(request: FastifyRequest, status: number, answered: unknown): AuditEntryInput {
  const route = request.routeOptions.url ?? '';
  const params = paramsOf(request);
  const target: Record<string, string> = {};
  for (const k of TARGET_PARAMS) {
    const v = params[k];
    if (typeof v === 'string') target[k] = v.slice(0, 320);
  }
  return {
    at: Date.now(),
    actor: actorOf(request.principal as Principal),
    action: actionOf(request, route),
    method: request.method,
    route,
    target,
    domains: domainsOf(request, answered),
    status,
    requestId: String(request.id),
    ip: request.ip,
  };
}
