import { Type } from 'typebox';
import { normalizeDomain } from '../../../../shared/index.js';
import { assertManageableAddress, authorize, principalOf } from '../../../auth/index.js';
import { DomainName, ref } from '../../../schemas/common.js';
import {
  CreateGroupBody,
  GroupModel,
  GroupTree,
  toGroupJson,
  toGroupTreeJson,
  UpdateGroupBody,
} from '../../../schemas/group.js';
import { BODY_PROBLEMS, NO_CONTENT, op, problems } from '../../op.js';
import { visibleGroup } from '../access.js';
import type { V1Plugin } from '../deps.js';

export const GroupParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const ADMINS = 'admins of the group’s domain';

/** `/groups` and a domain's group tree. Members live in members.ts. */
export const groupRoutes: V1Plugin = async (app, { directory }) => {
  app.post(
    '/groups',
    op(
      {
        operationId: 'createGroup',
        tag: 'groups',
        summary: 'Create a group',
        scope: 'groups:write',
        callers: ADMINS,
      },
      {
        body: ref(CreateGroupBody),
        response: { 201: ref(GroupModel, 'The new group'), ...problems(403, 404, 409, ...BODY_PROBLEMS) },
      },
    ),
    async (request, reply) => {
      const principal = principalOf(request);
      const domain = normalizeDomain(request.body.domain);
      authorize(principal, 'groups:write', { kind: 'domain', domain }, 'DOMAIN_NOT_FOUND');
      const { address } = request.body;
      if (address) assertManageableAddress(principal, 'groups:write', address, 'address');
      const group = await directory.createGroup({ ...request.body, domain });
      return reply.code(201).send(toGroupJson(group));
    },
  );

  app.get(
    '/domains/:domain/groups',
    op(
      {
        operationId: 'getGroupTree',
        tag: 'groups',
        summary: 'Get a domain’s group tree',
        description: 'Every group of the domain, nested under its parent, siblings by sortOrder then name.',
        scope: 'groups:read',
        callers: 'admins of the domain',
      },
      {
        params: Type.Object({ domain: DomainName() }),
        response: { 200: ref(GroupTree, 'The tree'), ...problems(403, 404, 422) },
      },
    ),
    async (request) => {
      const domain = normalizeDomain(request.params.domain);
      authorize(principalOf(request), 'groups:read', { kind: 'domain', domain }, 'DOMAIN_NOT_FOUND');
      const roots = await directory.groupTree(domain);
      return { domain, items: roots.map(toGroupTreeJson) };
    },
  );

  app.get(
    '/groups/:id',
    op(
      {
        operationId: 'getGroup',
        tag: 'groups',
        summary: 'Get a group',
        scope: 'groups:read',
        callers: ADMINS,
      },
      { params: GroupParams, response: { 200: ref(GroupModel, 'The group'), ...problems(403, 404, 422) } },
    ),
    async (request) => toGroupJson(await visibleGroup(request, directory, 'groups:read', request.params.id)),
  );

  app.patch(
    '/groups/:id',
    op(
      {
        operationId: 'updateGroup',
        tag: 'groups',
        summary: 'Change or move a group',
        description: 'Moving a group under one of its own descendants fails with `GROUP_CYCLE`.',
        scope: 'groups:write',
        callers: ADMINS,
      },
      {
        params: GroupParams,
        body: ref(UpdateGroupBody),
        response: { 200: ref(GroupModel, 'The changed group'), ...problems(403, 404, 409, ...BODY_PROBLEMS) },
      },
    ),
    async (request) => {
      const group = await visibleGroup(request, directory, 'groups:write', request.params.id);
      const { address } = request.body;
      if (address) assertManageableAddress(principalOf(request), 'groups:write', address, 'address');
      return toGroupJson(await directory.updateGroup(group.id, request.body));
    },
  );

  app.delete(
    '/groups/:id',
    op(
      {
        operationId: 'deleteGroup',
        tag: 'groups',
        summary: 'Delete a group',
        description: 'Refused with `GROUP_NOT_EMPTY` while it has subgroups; its members are not deleted.',
        scope: 'groups:write',
        callers: ADMINS,
      },
      { params: GroupParams, response: { ...NO_CONTENT, ...problems(403, 404, 409, 422) } },
    ),
    async (request, reply) => {
      const group = await visibleGroup(request, directory, 'groups:write', request.params.id);
      await directory.deleteGroup(group.id);
      return reply.code(204).send(null);
    },
  );
};
