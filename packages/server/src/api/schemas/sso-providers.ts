import { Type } from 'typebox';
import type { ProviderStatus } from '../../sso/index.js';
import { iso, Nullable, Timestamp } from './common.js';

const Count = (description: string) => Type.Integer({ minimum: 0, description });

export const SsoProviderStatusModel = Type.Object(
  {
    id: Type.String({ description: 'The provider’s id (`sso.oidc[].id`, `sso.cas[].id`)' }),
    kind: Type.Unsafe<'oidc' | 'cas'>({ type: 'string', enum: ['oidc', 'cas'] }),
    name: Type.String({ description: 'Its button text on the login page' }),
    url: Type.String({ description: 'The OIDC issuer or the CAS base URL' }),
    enabled: Type.Boolean({ description: 'Offered on the login page' }),
    reachable: Type.Boolean({
      description:
        'The OIDC discovery document or the CAS login page answered (checked at most once a minute)',
    }),
    reachableDetail: Nullable(Type.String({ description: 'Why not, when not reachable' })),
    checkedAt: Timestamp('When reachability was last checked'),
    lastSignInAt: Nullable(Timestamp('The last successful sign-in through it; null if none is recorded')),
    signInsToday: Count('Successful sign-ins since midnight UTC'),
    failuresToday: Count('Refused or failed sign-ins since midnight UTC'),
  },
  { $id: 'SsoProviderStatus', title: 'SsoProviderStatus', additionalProperties: false },
);

export const SsoProviderList = Type.Object(
  { items: Type.Array(Type.Unsafe<unknown>({ $ref: 'SsoProviderStatus' })) },
  { $id: 'SsoProviderList', title: 'SsoProviderList', description: 'Every configured provider, OIDC first' },
);

export const toSsoProviderJson = (p: ProviderStatus) => ({
  ...p,
  checkedAt: iso(p.checkedAt),
  lastSignInAt: p.lastSignInAt === null ? null : iso(p.lastSignInAt),
});
