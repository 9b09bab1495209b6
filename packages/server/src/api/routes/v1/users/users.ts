import { Type } from 'typebox';
import { normalizeDomain } from '../../../../shared/index.js';
import {
  assertCanGrant,
  assertManageableAddressChange,
  authorize,
  principalOf,
  visibleDomains,
} from '../../../auth/index.js';
import { AddressString, Cursor, DomainName, Limit, ref } from '../../../schemas/common.js';
import {
  CreateUserBody,
  Role,
  toUserJson,
  UpdateUserBody,
  UserModel,
  UserPage,
} from '../../../schemas/user.js';
import { BODY_PROBLEMS, NO_CONTENT, op, problems } from '../../op.js';
import { manageableUser, visibleUser } from '../access.js';
import type { V1Plugin } from '../deps.js';
import { assertMayCreateUser } from './create-checks.js';

export const UserParams = Type.Object({ address: AddressString() });
const ADMINS =
  'admins of the user’s domain (granting a role needs that role’s rights; aliases only in domains they manage)';

/** `/users`: create, list, read, change and delete users. Enable/disable live in state.ts. */
export const userRoutes: V1Plugin = async (app, { directory }) => {
  app.post(
    '/users',
    op(
      {
        operationId: 'createUser',
        tag: 'users',
        summary: 'Create a user',
        description: 'Without `password` the user can sign in only through SSO or a directory.',
        scope: 'users:write',
        callers: ADMINS,
      },
      {
        body: ref(CreateUserBody),
        response: { 201: ref(UserModel, 'The new user'), ...problems(403, 404, 409, ...BODY_PROBLEMS) },
      },
    ),
    async (request, reply) => {
      assertMayCreateUser(principalOf(request), request.body);
      const user = await directory.createUser(request.body);
      return reply.code(201).send(toUserJson(user));
    },
  );

  app.get(
    '/users',
    op(
      {
        operationId: 'listUsers',
        tag: 'users',
        summary: 'List users',
        description:
          'Users the caller may see, ordered by address; `q` matches address or display name, `role` keeps one role.',
        scope: 'users:read',
        callers: 'admins (domain admins and restricted keys see only their domains)',
      },
      {
        querystring: Type.Object({
          q: Type.Optional(
            Type.String({ minLength: 1, maxLength: 256, description: 'Substring to search for' }),
          ),
          domain: Type.Optional(DomainName('Only users of this domain')),
          role: Type.Optional({ ...Role, description: 'Only users with this role (e.g. the domain admins)' }),
          limit: Type.Optional(Limit),
          cursor: Type.Optional(Cursor),
        }),
        response: { 200: ref(UserPage, 'A page of users'), ...problems(400, 403, 404, 422) },
      },
    ),
    async (request) => {
      const principal = principalOf(request);
      const visible = visibleDomains(principal, 'users:read');
      const { q, role, limit = 50, cursor } = request.query;
      const domain = request.query.domain === undefined ? undefined : normalizeDomain(request.query.domain);
      if (domain !== undefined)
        authorize(principal, 'users:read', { kind: 'domain', domain }, 'DOMAIN_NOT_FOUND');
      const page = await directory.listUsers({ q, domain, role, visibleDomains: visible, limit, cursor });
      return { items: page.items.map(toUserJson), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/users/:address',
    op(
      {
        operationId: 'getUser',
        tag: 'users',
        summary: 'Get a user',
        description: 'The address may be an alias; the canonical user is returned.',
        scope: 'users:read',
        callers: 'admins of the user’s domain; the user themselves',
      },
      { params: UserParams, response: { 200: ref(UserModel, 'The user'), ...problems(403, 404, 422) } },
    ),
    async (request) =>
      toUserJson(await visibleUser(request, directory, 'users:read', request.params.address)),
  );

  app.patch(
    '/users/:address',
    op(
      {
        operationId: 'updateUser',
        tag: 'users',
        summary: 'Change a user',
        scope: 'users:write',
        callers: ADMINS,
      },
      {
        params: UserParams,
        body: ref(UpdateUserBody),
        response: { 200: ref(UserModel, 'The changed user'), ...problems(403, 404, 409, ...BODY_PROBLEMS) },
      },
    ),
    async (request) => {
      const user = await manageableUser(request, directory, request.params.address);
      const principal = principalOf(request);
      const { role, adminDomains, aliases } = request.body;
      if (role !== undefined || adminDomains !== undefined) {
        assertCanGrant(principal, role ?? user.role, adminDomains ?? user.adminDomains);
      }
      if (aliases !== undefined) {
        assertManageableAddressChange(principal, 'users:write', user.aliases, aliases, 'aliases');
      }
      return toUserJson(await directory.updateUser(user.address, request.body));
    },
  );

  app.delete(
    '/users/:address',
    op(
      {
        operationId: 'deleteUser',
        tag: 'users',
        summary: 'Delete a user',
        description: 'Deletes the user and all their mail. This cannot be undone.',
        scope: 'users:write',
        callers: ADMINS,
      },
      { params: UserParams, response: { ...NO_CONTENT, ...problems(403, 404, 422) } },
    ),
    async (request, reply) => {
      const user = await manageableUser(request, directory, request.params.address);
      await directory.deleteUser(user.address);
      return reply.code(204).send(null);
    },
  );
};
