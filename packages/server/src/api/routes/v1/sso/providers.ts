import { authorize, principalOf } from '../../../auth/index.js';
import { ref } from '../../../schemas/common.js';
import { SsoProviderList, toSsoProviderJson } from '../../../schemas/sso-providers.js';
import { op, problems } from '../../op.js';
import type { V1Plugin } from '../deps.js';
import { required } from '../required.js';

/** `GET /sso/providers`: the configured OIDC and CAS providers and how they are doing. */
export const ssoProviderRoutes: V1Plugin = async (app, { sso }) => {
  app.get(
    '/sso/providers',
    op(
      {
        operationId: 'listSsoProviders',
        tag: 'sso',
        summary: 'List SSO providers and their status',
        description:
          'Each configured OpenID Connect and CAS provider: whether its discovery document (OIDC) or login ' +
          'page (CAS) answers — checked at most once a minute — the last successful sign-in through it, and ' +
          'sign-ins and failures since midnight UTC (from the SSO audit trail). Never a client secret.',
        scope: 'directory:read',
        callers: 'system admins and unrestricted callers (providers serve every domain)',
      },
      { response: { 200: ref(SsoProviderList, 'The providers'), ...problems(403) } },
    ),
    async (request) => {
      authorize(principalOf(request), 'directory:read', { kind: 'system' }, 'NOT_FOUND');
      const items = await required(sso, 'Single sign-on').providerStatus.list();
      return { items: items.map(toSsoProviderJson) };
    },
  );
};
