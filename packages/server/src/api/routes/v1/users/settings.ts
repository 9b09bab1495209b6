import type { Static } from 'typebox';
import type { User } from '../../../../directory/index.js';
import type { SettingsPatch, UserSettingsService } from '../../../../settings/index.js';
import { AppError } from '../../../../shared/index.js';
import { ref } from '../../../schemas/common.js';
import {
  ChangePasswordBody,
  ChangePasswordResult,
  SettingsModel,
  toSettingsJson,
  UpdateSettingsBody,
} from '../../../schemas/settings.js';
import { BODY_PROBLEMS, op, problems } from '../../op.js';
import { assertSelf, visibleUser } from '../access.js';
import type { V1Plugin } from '../deps.js';
import { required } from '../required.js';
import { UserParams } from './users.js';

const CALLERS = 'the user themselves; admins of the user’s domain';

const canChangePassword = (u: User) => u.source === null && u.hasPassword;

/** The API's dates (ISO strings, null) as the settings service's epoch ms. */
function toPatch(body: Static<typeof UpdateSettingsBody>): SettingsPatch & { displayName?: string } {
  const { vacation, ...rest } = body;
  if (!vacation) return rest;
  const ms = (v: string | null | undefined, field: string) => {
    if (v === undefined || v === null) return v;
    const t = Date.parse(v);
    if (Number.isNaN(t)) throw new AppError('VALIDATION_FAILED', `${field}: not a date`, { field });
    return t;
  };
  const { startsAt, endsAt, ...fields } = vacation;
  const out: SettingsPatch['vacation'] = { ...fields };
  if (startsAt !== undefined) out.startsAt = ms(startsAt, 'vacation.startsAt');
  if (endsAt !== undefined) out.endsAt = ms(endsAt, 'vacation.endsAt');
  return { ...rest, vacation: out };
}

/** `/users/{address}/settings` and `/users/{address}/password`: a user's own account settings. */
export const userSettingsRoutes: V1Plugin = async (app, { directory, settings, sso }) => {
  const service = (): UserSettingsService => required(settings, 'The user settings service');

  app.get(
    '/users/:address/settings',
    op(
      {
        operationId: 'getUserSettings',
        tag: 'users',
        summary: 'Get a user’s settings',
        description: 'Display name, language, signature, auto-reply and forwarding.',
        scope: 'users:read',
        callers: CALLERS,
      },
      {
        params: UserParams,
        response: { 200: ref(SettingsModel, 'The settings'), ...problems(403, 404, 422) },
      },
    ),
    async (request) => {
      const user = await visibleUser(request, directory, 'users:read', request.params.address);
      return toSettingsJson(await service().get(user), canChangePassword(user));
    },
  );

  app.patch(
    '/users/:address/settings',
    op(
      {
        operationId: 'updateUserSettings',
        tag: 'users',
        summary: 'Change a user’s settings',
        description:
          'Only the given fields change (`vacation` and `forwarding` field by field). Like personal rules, these change how the user’s mail is handled, so the scope is `mail:write`, which a user holds for themselves.',
        scope: 'mail:write',
        callers: CALLERS,
      },
      {
        params: UserParams,
        body: ref(UpdateSettingsBody),
        response: {
          200: ref(SettingsModel, 'The settings as saved'),
          ...problems(403, 404, ...BODY_PROBLEMS),
        },
      },
    ),
    async (request) => {
      const user = await visibleUser(request, directory, 'mail:write', request.params.address);
      const saved = await service().update(user, toPatch(request.body));
      return toSettingsJson(saved, canChangePassword(user));
    },
  );

  if (!sso) return;
  app.post(
    '/users/:address/password',
    op(
      {
        operationId: 'changeOwnPassword',
        tag: 'users',
        summary: 'Change one’s own password',
        description:
          'For a local user, with their current password (a wrong one counts as a failed sign-in). Ends every other session of the user (web, IMAP, POP3); the one making the change stays signed in. Directory, SCIM and SSO-only users: 409 `USER_EXTERNALLY_MANAGED`. Admins reset a password with `PATCH /users/{address}`.',
        scope: 'mail:write',
        callers: 'the user themselves',
      },
      {
        params: UserParams,
        body: ref(ChangePasswordBody),
        response: {
          200: ref(ChangePasswordResult, 'Changed'),
          ...problems(403, 404, 409, 429, ...BODY_PROBLEMS),
        },
      },
    ),
    async (request) => {
      const user = await visibleUser(request, directory, 'mail:write', request.params.address);
      assertSelf(request, user, 'change their password this way');
      return sso.passwordChange.change({
        user,
        currentPassword: request.body.currentPassword,
        newPassword: request.body.newPassword,
        currentSessionId: request.webSession?.id ?? null,
        ip: request.ip,
      });
    },
  );
};
