import { Type } from 'typebox';
import { normalizeAddress } from '../../../../shared/index.js';
import { principalOf } from '../../../auth/index.js';
import { AddressString, ref } from '../../../schemas/common.js';
import { AddMembersBody, GroupMembers } from '../../../schemas/group.js';
import { toUserJson } from '../../../schemas/user.js';
import { BODY_PROBLEMS, NO_CONTENT, op, problems } from '../../op.js';
import { assertVisibleMembers, seesMember, visibleGroup } from '../access.js';
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
        description: 'Members in domains the caller may not see are left out.',
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
      const principal = principalOf(request);
      // A system admin may have made another domain's user a member: to this caller they are absent.
      const users = await directory.listGroupMembers(group.id);
      return { items: users.filter((u) => seesMember(principal, 'groups:read', u)).map(toUserJson) };
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
      const addresses = request.body.addresses.map(normalizeAddress);
      // A domain admin may not pull users of a domain they cannot see into their groups.
      await assertVisibleMembers(request, directory, 'groups:write', addresses);
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
        callers: ADMINS,
      },
      {
        params: Type.Object({ id: GroupParams.properties.id, address: AddressString() }),
        response: { ...NO_CONTENT, ...problems(403, 404, 422) },
      },
    ),
    async (request, reply) => {
      const group = await visibleGroup(request, directory, 'groups:write', request.params.id);
      const address = normalizeAddress(request.params.address);
      // Another tenant's user is absent here, whether they exist or not (no existence oracle).
      await assertVisibleMembers(request, directory, 'groups:write', [address]);
      await directory.removeGroupMember(group.id, address);
      return reply.code(204).send(null);
    },
  );
};
