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
const Departments = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
  maxItems: 100,
  description:
    'Ids of departments (groups of kind `department`) of the user’s domain the user belongs to; on a change, replaces the user’s departments (other groups stay)',
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
    departments: Type.Array(
      Type.Object({ id: Type.String(), name: Type.String() }, { additionalProperties: false }),
      { description: 'The departments the user is a direct member of, by name' },
    ),
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
    departments: Type.Optional(Departments),
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
    departments: Type.Optional(Departments),
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
  departments: u.departments,
  source: u.source,
  createdAt: iso(u.createdAt),
  updatedAt: iso(u.updatedAt),
});

export const BatchCreateUsersBody = Type.Object(
  {
    users: Type.Array(
      Type.Object(
        {},
        {
          additionalProperties: true,
          description:
            'A `CreateUserRequest`; each row is checked on its own, so a bad one fails only itself',
        },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
    skipExisting: Type.Optional(
      Type.Boolean({
        description:
          'A row whose address is already a user the caller may see answers `exists` with that user (unchanged) instead of failing with ADDRESS_TAKEN, so a re-run of an import is harmless',
      }),
    ),
  },
  { $id: 'BatchCreateUsersRequest', title: 'BatchCreateUsersRequest', additionalProperties: false },
);

export const BatchRowError = Type.Object(
  {
    status: Type.Integer({ description: 'The HTTP status POST /users would have answered' }),
    code: Type.String({ description: 'Its stable error code (see /docs/errors)' }),
    detail: Type.String(),
    errors: Type.Optional(
      Type.Array(Type.Unsafe<{ field: string; message: string }>({ $ref: 'FieldError' })),
    ),
  },
  { $id: 'BatchRowError', title: 'BatchRowError', description: 'Why a row failed' },
);

export const BatchCreateUsersResult = Type.Object(
  {
    created: Type.Integer({ minimum: 0 }),
    exists: Type.Integer({ minimum: 0 }),
    failed: Type.Integer({ minimum: 0 }),
    results: Type.Array(
      Type.Object({
        index: Type.Integer({ minimum: 0, description: 'The row’s position in `users`' }),
        address: Type.String({ description: 'The row’s address, as sent' }),
        status: Type.Union([Type.Literal('created'), Type.Literal('exists'), Type.Literal('failed')]),
        user: Type.Optional(Type.Unsafe<Static<typeof UserModel>>({ $ref: 'User' })),
        error: Type.Optional(Type.Unsafe<Static<typeof BatchRowError>>({ $ref: 'BatchRowError' })),
      }),
      { description: 'One result per row, in the order sent' },
    ),
  },
  { $id: 'BatchCreateUsersResult', title: 'BatchCreateUsersResult' },
);
