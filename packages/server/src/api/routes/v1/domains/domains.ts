import { Type } from 'typebox';
import { normalizeDomain } from '../../../../shared/index.js';
import { authorize, principalOf, visibleDomains } from '../../../auth/index.js';
import { DomainName, PageQuery, ref } from '../../../schemas/common.js';
import { CreateDomainBody, DomainModel, DomainPage, toDomainJson } from '../../../schemas/domain.js';
import { BODY_PROBLEMS, NO_CONTENT, op, problems } from '../../op.js';
import type { V1Plugin } from '../deps.js';

const DomainParams = Type.Object({ domain: DomainName() });
const SYSTEM = 'system admins and API keys without a domain restriction';

/** `/domains`: the mail domains this install serves. */
export const domainRoutes: V1Plugin = async (app, { directory }) => {
  app.post(
    '/domains',
    op(
      {
        operationId: 'createDomain',
        tag: 'domains',
        summary: 'Add a domain',
        scope: 'domains:write',
        callers: SYSTEM,
      },
      {
        body: ref(CreateDomainBody),
        response: { 201: ref(DomainModel, 'The new domain'), ...problems(403, 409, ...BODY_PROBLEMS) },
      },
    ),
    async (request, reply) => {
      authorize(principalOf(request), 'domains:write', { kind: 'system' }, 'DOMAIN_NOT_FOUND');
      const domain = await directory.createDomain(request.body.name);
      return reply.code(201).send(toDomainJson(domain));
    },
  );

  app.get(
    '/domains',
    op(
      {
        operationId: 'listDomains',
        tag: 'domains',
        summary: 'List domains',
        description: 'Domains the caller may see, ordered by name.',
        scope: 'domains:read',
        callers: 'admins (domain admins and restricted keys see only their domains)',
      },
      {
        querystring: PageQuery,
        response: { 200: ref(DomainPage, 'A page of domains'), ...problems(400, 403, 422) },
      },
    ),
    async (request) => {
      const visible = visibleDomains(principalOf(request), 'domains:read');
      const { limit = 50, cursor } = request.query;
      const page = await directory.listDomains({ visibleDomains: visible, limit, cursor });
      return { items: page.items.map(toDomainJson), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/domains/:domain',
    op(
      {
        operationId: 'getDomain',
        tag: 'domains',
        summary: 'Get a domain',
        scope: 'domains:read',
        callers: 'admins of the domain',
      },
      { params: DomainParams, response: { 200: ref(DomainModel, 'The domain'), ...problems(403, 404, 422) } },
    ),
    async (request) => {
      const name = normalizeDomain(request.params.domain);
      authorize(principalOf(request), 'domains:read', { kind: 'domain', domain: name }, 'DOMAIN_NOT_FOUND');
      return toDomainJson(await directory.getDomain(name));
    },
  );

  app.delete(
    '/domains/:domain',
    op(
      {
        operationId: 'deleteDomain',
        tag: 'domains',
        summary: 'Delete a domain',
        description: 'Refused with `DOMAIN_NOT_EMPTY` while the domain has users.',
        scope: 'domains:write',
        callers: SYSTEM,
      },
      { params: DomainParams, response: { ...NO_CONTENT, ...problems(403, 404, 409, 422) } },
    ),
    async (request, reply) => {
      const name = normalizeDomain(request.params.domain);
      const principal = principalOf(request);
      // Visibility first (404 for others' domains), then the system-level right (403).
      authorize(principal, 'domains:write', { kind: 'domain', domain: name }, 'DOMAIN_NOT_FOUND');
      authorize(principal, 'domains:write', { kind: 'system' }, 'DOMAIN_NOT_FOUND');
      await directory.deleteDomain(name);
      return reply.code(204).send(null);
    },
  );
};
