import type { FastifyRequest } from 'fastify';
import type { Scope } from '../../../../directory/index.js';
import type { QueueScope } from '../../../../queue/index.js';
import { principalOf, visibleDomains } from '../../../auth/index.js';

/**
 * What of the queue and the traces the caller may see with `scope`: a system
 * admin or an unrestricted key all of it, a domain admin or a domain-restricted
 * key the messages whose sender or a recipient is in one of their domains.
 * Plain users see none of it (403); others' entries then answer as absent (404).
 */
export function queueScopeOf(request: FastifyRequest, scope: Scope): QueueScope {
  const domains = visibleDomains(principalOf(request), scope);
  return domains === null ? { domains: 'all' } : { domains: [...domains] };
}
