import type { GroupPolicies } from '../../../../filter/index.js';
import { AppError } from '../../../../shared/index.js';
import { ref } from '../../../schemas/common.js';
import { GroupPolicyModel } from '../../../schemas/filter.js';
import { BODY_PROBLEMS, op, problems } from '../../op.js';
import { visibleGroup } from '../access.js';
import type { V1Plugin } from '../deps.js';
import { GroupParams } from '../groups/groups.js';

const ADMINS = 'admins of the group’s domain';

function service(s: GroupPolicies | undefined): GroupPolicies {
  if (!s) throw new AppError('UNAVAILABLE', 'Group mail policies are not available on this server');
  return s;
}

/** `/groups/{id}/policy`: what the group's members may send and receive. */
export const groupPolicyRoutes: V1Plugin = async (app, { directory, groupPolicies }) => {
  app.get(
    '/groups/:id/policy',
    op(
      {
        operationId: 'getGroupPolicy',
        tag: 'filter',
        summary: 'Get a group’s mail policy',
        description: 'A group without a policy of its own has the open policy (no restriction).',
        scope: 'groups:read',
        callers: ADMINS,
      },
      {
        params: GroupParams,
        response: { 200: ref(GroupPolicyModel, 'The policy'), ...problems(403, 404, 422) },
      },
    ),
    async (request) => {
      const group = await visibleGroup(request, directory, 'groups:read', request.params.id);
      return service(groupPolicies).get(group.id);
    },
  );

  app.put(
    '/groups/:id/policy',
    op(
      {
        operationId: 'replaceGroupPolicy',
        tag: 'filter',
        summary: 'Replace a group’s mail policy',
        description:
          'Binds every member, also members of its subgroups. Enforced at RCPT TO (and at DATA for sizes) with 550 5.7.1 or 552 5.3.4.',
        scope: 'groups:write',
        callers: ADMINS,
      },
      {
        params: GroupParams,
        body: ref(GroupPolicyModel),
        response: {
          200: ref(GroupPolicyModel, 'The stored policy'),
          ...problems(403, 404, ...BODY_PROBLEMS),
        },
      },
    ),
    async (request) => {
      const group = await visibleGroup(request, directory, 'groups:write', request.params.id);
      return service(groupPolicies).replace(group.id, request.body);
    },
  );
};
