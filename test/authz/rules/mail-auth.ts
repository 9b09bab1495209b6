import { DOMAIN } from '../model.js';
import { domainOf, type Rules, status } from './common.js';

/** A domain's DNS records and DKIM key: its admins' (a domain admin manages their domain's DNS). */
export const mailAuthRules: Rules = {
  getDomainDns: {
    scope: 'domains:read',
    ok: status(200),
    cases: (['a', 'b'] as const).map((d) => ({
      label: d,
      needs: [domainOf(d, 'DOMAIN_NOT_FOUND')],
      request: () => ({ method: 'GET', path: `/api/v1/domains/${DOMAIN[d]}/dns` }),
    })),
  },
  rotateDomainDkim: {
    scope: 'domains:write',
    ok: status(201),
    // No `unchanged` check: allowed callers rotate the same domains concurrently in the matrix, so
    // a before/after look at the active key could not tell a refused rotation from theirs.
    cases: (['a', 'b'] as const).map((d) => ({
      label: d,
      needs: [domainOf(d, 'DOMAIN_NOT_FOUND')],
      request: () => ({ method: 'POST', path: `/api/v1/domains/${DOMAIN[d]}/dkim` }),
    })),
  },
};
