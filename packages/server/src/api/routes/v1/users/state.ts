import { ref } from '../../../schemas/common.js';
import { toUserJson, UserModel } from '../../../schemas/user.js';
import { op, problems } from '../../op.js';
import { manageableUser } from '../access.js';
import type { V1Plugin } from '../deps.js';
import { UserParams } from './users.js';

/** `POST /users/{address}/disable|enable`: verbs, so integrations need not build a PATCH body. */
export const userStateRoutes: V1Plugin = async (app, { directory }) => {
  for (const [verb, enabled] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    app.post(
      `/users/:address/${verb}`,
      op(
        {
          operationId: `${verb}User`,
          tag: 'users',
          summary: enabled ? 'Enable a user' : 'Disable a user',
          description: enabled
            ? 'The user can sign in and receive mail again.'
            : 'The user can no longer sign in; mail to them is refused. Their mail is kept.',
          scope: 'users:write',
          callers: 'admins of the user’s domain',
        },
        { params: UserParams, response: { 200: ref(UserModel, 'The user'), ...problems(403, 404, 422) } },
      ),
      async (request) => {
        const user = await manageableUser(request, directory, request.params.address);
        return toUserJson(await directory.updateUser(user.address, { enabled }));
      },
    );
  }
};
