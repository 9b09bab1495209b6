import { Type } from 'typebox';
import type { DomainMailAuth } from '../../../../mail-auth/index.js';
import { AppError, normalizeDomain } from '../../../../shared/index.js';
import { authorize, principalOf } from '../../../auth/index.js';
import { DomainName, ref } from '../../../schemas/common.js';
import { DkimKeyModel, DomainDnsModel, toDkimKeyJson, toDomainDnsJson } from '../../../schemas/mail-auth.js';
import { op, problems } from '../../op.js';
import type { V1Plugin } from '../deps.js';

const DomainParams = Type.Object({ domain: DomainName() });

function service(s: DomainMailAuth | undefined): DomainMailAuth {
  if (!s) throw new AppError('UNAVAILABLE', 'Mail authentication is not available on this server');
  return s;
}

/** `/domains/{name}/dns` and `/domains/{name}/dkim`: what a domain publishes so its mail is trusted. */
export const domainMailAuthRoutes: V1Plugin = async (app, { directory, mailAuth }) => {
  app.get(
    '/domains/:domain/dns',
    op(
      {
        operationId: 'getDomainDns',
        tag: 'domains',
        summary: 'DNS records to publish',
        description:
          'Every record the domain needs — MX, SPF, DKIM, DMARC, MTA-STS — each checked against DNS now ' +
          '(`found`, `missing`, `different`, or `unknown` when the lookup failed), and the MTA-STS policy file.',
        scope: 'domains:read',
        callers: 'admins of the domain',
      },
      {
        params: DomainParams,
        response: { 200: ref(DomainDnsModel, 'The records'), ...problems(403, 404, 422) },
      },
    ),
    async (request) => {
      const name = normalizeDomain(request.params.domain);
      authorize(principalOf(request), 'domains:read', { kind: 'domain', domain: name }, 'DOMAIN_NOT_FOUND');
      const s = service(mailAuth);
      await directory.getDomain(name);
      return toDomainDnsJson(await s.dnsReport(name));
    },
  );

  app.post(
    '/domains/:domain/dkim',
    op(
      {
        operationId: 'rotateDomainDkim',
        tag: 'domains',
        summary: 'Make a new DKIM key',
        description:
          'A new key signs the domain’s mail from now on. Publish its record (`dnsName`, `dnsValue`) first: until ' +
          'it is in DNS, receivers cannot verify the signatures. The private key is never shown.',
        scope: 'domains:write',
        callers: 'admins of the domain',
      },
      {
        params: DomainParams,
        response: { 201: ref(DkimKeyModel, 'The new key'), ...problems(403, 404, 422) },
      },
    ),
    async (request, reply) => {
      const name = normalizeDomain(request.params.domain);
      authorize(principalOf(request), 'domains:write', { kind: 'domain', domain: name }, 'DOMAIN_NOT_FOUND');
      const key = await service(mailAuth).rotateDkim(name);
      return reply.code(201).send(toDkimKeyJson(key));
    },
  );
};
