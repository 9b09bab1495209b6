import { type Static, Type } from 'typebox';
import type { User } from '../../directory/index.js';
import { MAX_QUOTA_BYTES } from '../../shared/index.js';
import { AddressString, DomainName, iso, Nullable, PageOf, Timestamp } from './common.js';

export const Role = Type.Unsafe<'admin' | 'domain_admin' | 'user'>({
  type: 'string',
  enum: ['admin', 'domain_admin', 'user'],
  description: '`admin`: everything; `domain_admin`: everything in `adminDomains`; `user`: own mail',
});

const Password = Type.String({ minLength: 8, maxLength: 1024, description: '8 to 1024 characters' });
const Aliases = Type.Array(AddressString('Alias address in a local domain'), {
  maxItems: 100,
  description: 'Other addresses that deliver to this user',
});
const AdminDomains = Type.Array(DomainName(), {
  maxItems: 1000,
  description: 'Domains a `domain_admin` administers',
});
const Quota = Type.Integer({
  minimum: 0,
  maximum: MAX_QUOTA_BYTES,
  description: 'Bytes; 0 = unlimited; at most 1 PiB (2^50)',
});

export const UserModel = Type.Object(
  {
    id: Type.String(),
    address: Type.String({ description: 'Canonical (lower-case) address', examples: ['alice@example.com'] }),
    domain: Type.String(),
    displayName: Type.String(),
    enabled: Type.Boolean({ description: 'Disabled users cannot sign in and receive no mail' }),
    role: Role,
    adminDomains: Type.Array(Type.String()),
    quotaBytes: Type.Integer({ description: 'Bytes; 0 = unlimited' }),
    usedBytes: Type.Integer(),
    hasPassword: Type.Boolean({ description: 'False for users who sign in only through SSO or a directory' }),
    aliases: Type.Array(Type.String()),
    source: Nullable(
      Type.String({
        description:
          'Directory source (LDAP/AD) the user is synced from and signs in with; null for a local user',
      }),
    ),
    createdAt: Timestamp('When the user was created'),
    updatedAt: Timestamp('Last change'),
  },
  { $id: 'User', title: 'User', description: 'A mail user (mailbox owner)' },
);

export const CreateUserBody = Type.Object(
  {
    address: AddressString('The new address, in a local domain'),
    password: Type.Optional({ ...Password, description: 'Omit for users who sign in only through SSO' }),
    displayName: Type.Optional(Type.String({ maxLength: 256 })),
    quotaBytes: Type.Optional({
      ...Quota,
      description: 'Bytes; 0 = unlimited; at most 1 PiB (2^50); default from the server config',
    }),
    role: Type.Optional(Role),
    adminDomains: Type.Optional(AdminDomains),
    aliases: Type.Optional(Aliases),
  },
  { $id: 'CreateUserRequest', title: 'CreateUserRequest', additionalProperties: false },
);

export const UpdateUserBody = Type.Object(
  {
    displayName: Type.Optional(Type.String({ maxLength: 256 })),
    password: Type.Optional(
      Nullable({ ...Password, description: 'A new password; null removes it (SSO-only)' }),
    ),
    quotaBytes: Type.Optional(Quota),
    role: Type.Optional(Role),
    adminDomains: Type.Optional(AdminDomains),
    enabled: Type.Optional(Type.Boolean()),
    aliases: Type.Optional(Aliases),
  },
  {
    $id: 'UpdateUserRequest',
    title: 'UpdateUserRequest',
    additionalProperties: false,
    minProperties: 1,
    description: 'Only the given fields change',
  },
);

export const UserPage = PageOf(UserModel, 'UserPage', 'A page of users, ordered by address');

export const toUserJson = (u: User): Static<typeof UserModel> => ({
  id: u.id,
  address: u.address,
  domain: u.domain,
  displayName: u.displayName,
  enabled: u.enabled,
  role: u.role,
  adminDomains: u.adminDomains,
  quotaBytes: u.quotaBytes,
  usedBytes: u.usedBytes,
  hasPassword: u.hasPassword,
  aliases: u.aliases,
  source: u.source,
  createdAt: iso(u.createdAt),
  updatedAt: iso(u.updatedAt),
});
