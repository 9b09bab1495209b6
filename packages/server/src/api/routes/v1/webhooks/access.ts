import type { FastifyRequest } from 'fastify';
import type { Scope } from '../../../../directory/index.js';
import type { WebhookScope } from '../../../../events/webhooks/index.js';
import { AppError, normalizeDomain } from '../../../../shared/index.js';
import { authorize, isScoped, isUnrestricted, principalOf, visibleDomains } from '../../../auth/index.js';

/**
 * The endpoints a caller may manage with `scope`: an unrestricted caller
 * all, a domain admin or a domain-restricted key those of its domains
 * (install-wide endpoints are not among them). Others' answer as absent.
 */
export function webhookScopeOf(request: FastifyRequest, scope: Scope): WebhookScope {
  const domains = visibleDomains(principalOf(request), scope);
  return domains === null ? { domains: 'all' } : { domains: [...domains] };
}

/**
 * The tenant of a new endpoint: the domain named (which the caller must
 * manage: else DOMAIN_NOT_FOUND, as for any domain it may not see), null
 * for install-wide (unrestricted callers only: else FORBIDDEN), or by
 * default the caller's own — a restricted key's domain, a domain admin's
 * only domain — or install-wide for an unrestricted caller. An endpoint
 * never gets events of a domain its registrant could not see.
 */
export function tenantOf(request: FastifyRequest, named: string | null | undefined): string | null {
  const p = principalOf(request);
  if (named === null) {
    authorize(p, 'webhooks:write', { kind: 'system' }, 'DOMAIN_NOT_FOUND');
    return null;
  }
  if (named) {
    const domain = normalizeDomain(named);
    authorize(p, 'webhooks:write', { kind: 'domain', domain }, 'DOMAIN_NOT_FOUND');
    return domain;
  }
  if (isUnrestricted(p)) return null;
  if (isScoped(p)) return p.domain;
  const mine = p.kind === 'user' ? [...p.adminDomains] : [];
  if (mine.length === 1) return mine[0] ?? null;
  throw new AppError('VALIDATION_FAILED', 'domain: name the domain the endpoint is for', { field: 'domain' });
}

/** Who made a change, as endpoints record it. */
export function actorOf(request: FastifyRequest): string {
  const p = principalOf(request);
  return `${p.kind}:${p.id}`;
}

/** The service a route needs, or 503 on a server built without it. */
export function required<T>(service: T | undefined): T {
  if (!service) throw new AppError('UNAVAILABLE', 'Webhooks are not available on this server');
  return service;
}
