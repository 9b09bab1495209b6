import { Type } from 'typebox';
import { normalizeAddress } from '../../../../shared/index.js';
import { authorize, principalOf, userTarget } from '../../../auth/index.js';
import { AddressString, ref } from '../../../schemas/common.js';
import { AddMembersBody, GroupMembers } from '../../../schemas/group.js';
import { toUserJson } from '../../../schemas/user.js';
import { BODY_PROBLEMS, NO_CONTENT, op, problems } from '../../op.js';
import { visibleGroup } from '../access.js';
import type { V1Plugin } from '../deps.js';
import { GroupParams } from './groups.js';

const ADMINS = 'admins of the group’s domain (members must be users they may see)';

/** `/groups/{id}/members`: a group's direct members. */
export const memberRoutes: V1Plugin = async (app, { directory }) => {
  app.get(
    '/groups/:id/members',
    op(
      {
        operationId: 'listGroupMembers',
        tag: 'groups',
        summary: 'List a group’s members',
        scope: 'groups:read',
        callers: 'admins of the group’s domain',
      },
      {
        params: GroupParams,
        response: { 200: ref(GroupMembers, 'The members'), ...problems(403, 404, 422) },
      },
    ),
    async (request) => {
      const group = await visibleGroup(request, directory, 'groups:read', request.params.id);
      const users = await directory.listGroupMembers(group.id);
      return { items: users.map(toUserJson) };
    },
  );

  app.post(
    '/groups/:id/members',
    op(
      {
        operationId: 'addGroupMembers',
        tag: 'groups',
        summary: 'Add members to a group',
        description: 'Adding a user who is already a member is not an error.',
        scope: 'groups:write',
        callers: ADMINS,
      },
      {
        params: GroupParams,
        body: ref(AddMembersBody),
        response: { ...NO_CONTENT, ...problems(403, 404, ...BODY_PROBLEMS) },
      },
    ),
    async (request, reply) => {
      const group = await visibleGroup(request, directory, 'groups:write', request.params.id);
      const principal = principalOf(request);
      const addresses = request.body.addresses.map(normalizeAddress);
      // A domain admin may not pull users of a domain they cannot see into their groups.
      for (const a of addresses) authorize(principal, 'groups:write', userTarget(a), 'USER_NOT_FOUND');
      await directory.addGroupMembers(group.id, addresses);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/groups/:id/members/:address',
    op(
      {
        operationId: 'removeGroupMember',
        tag: 'groups',
        summary: 'Remove a member from a group',
        scope: 'groups:write',
        callers: 'admins of the group’s domain',
      },
      {
        params: Type.Object({ id: GroupParams.properties.id, address: AddressString() }),
        response: { ...NO_CONTENT, ...problems(403, 404, 422) },
      },
    ),
    async (request, reply) => {
      const group = await visibleGroup(request, directory, 'groups:write', request.params.id);
      await directory.removeGroupMember(group.id, normalizeAddress(request.params.address));
      return reply.code(204).send(null);
    },
  );
};
