import { Type } from 'typebox';
import type { AccountSettings } from '../../settings/index.js';
import { SETTINGS_LIMITS as L } from '../../settings/index.js';
import { AddressString, iso, Nullable, Timestamp } from './common.js';

const Language = Type.Unsafe<'zh-CN' | 'en' | null>({
  type: ['string', 'null'],
  enum: ['zh-CN', 'en', null],
  description: 'The webmail’s language; null: the browser’s',
});

const SignatureFields = {
  text: Type.String({
    maxLength: L.signatureText,
    contentMediaType: 'text/plain',
    description: 'The plain-text signature',
  }),
  html: Type.String({
    maxLength: L.signatureHtml,
    contentMediaType: 'text/html',
    description:
      'The formatted signature: sanitized when saved (simple formatting and http/https/mailto links only)',
  }),
};

const VacationFields = {
  enabled: Type.Boolean(),
  subject: Type.String({
    maxLength: L.vacationSubject,
    description: 'The reply’s subject; empty: "Auto: " and the original subject',
  }),
  text: Type.String({
    maxLength: L.vacationText,
    contentMediaType: 'text/plain',
    description: 'The reply’s text (needed to enable)',
  }),
  startsAt: Nullable(Timestamp('Replies from this time; null: from now')),
  endsAt: Nullable(Timestamp('Replies until this time; null: until turned off')),
  days: Type.Integer({
    minimum: 1,
    maximum: L.maxDays,
    description: 'At most one reply per sender in this many days (RFC 3834 §2); default 7',
  }),
};

const ForwardingFields = {
  enabled: Type.Boolean(),
  to: Type.Array(AddressString('Forward to this address'), {
    maxItems: L.forwardTargets,
    description: 'Where each received message goes (never the user’s own addresses)',
  }),
  keepCopy: Type.Boolean({
    description: 'Keep the message in INBOX too; false: removed once forwarded (kept when forwarding fails)',
  }),
};

export const SettingsModel = Type.Object(
  {
    displayName: Type.String(),
    language: Language,
    signature: Type.Object(SignatureFields),
    vacation: Type.Object(VacationFields, { description: 'The auto-reply (vacation) message' }),
    forwarding: Type.Object(ForwardingFields),
    canChangePassword: Type.Boolean({
      description:
        'Whether the user has a local password to change (false for directory, SCIM and SSO-only users)',
    }),
    updatedAt: Nullable(Timestamp('Last change of the settings; null: never changed')),
  },
  { $id: 'UserSettings', title: 'UserSettings', description: 'A user’s own settings' },
);

export const UpdateSettingsBody = Type.Object(
  {
    displayName: Type.Optional(Type.String({ maxLength: 256 })),
    language: Type.Optional(Language),
    signature: Type.Optional(Type.Partial(Type.Object(SignatureFields), { additionalProperties: false })),
    vacation: Type.Optional(Type.Partial(Type.Object(VacationFields), { additionalProperties: false })),
    forwarding: Type.Optional(Type.Partial(Type.Object(ForwardingFields), { additionalProperties: false })),
  },
  {
    $id: 'UpdateUserSettings',
    title: 'UpdateUserSettings',
    additionalProperties: false,
    description: 'Only the given fields change',
  },
);

export const ChangePasswordBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 1024 }),
    newPassword: Type.String({ minLength: 8, maxLength: 1024, description: '8 to 1024 characters' }),
  },
  { $id: 'ChangePassword', title: 'ChangePassword', additionalProperties: false },
);

export const ChangePasswordResult = Type.Object(
  { endedSessions: Type.Integer({ description: 'How many other sessions were ended' }) },
  { $id: 'ChangePasswordResult', title: 'ChangePasswordResult' },
);

export const EndSessionsResult = Type.Object(
  { ended: Type.Integer({ description: 'How many sessions were ended' }) },
  { $id: 'EndSessionsResult', title: 'EndSessionsResult' },
);

export const SETTINGS_MODELS = [
  SettingsModel,
  UpdateSettingsBody,
  ChangePasswordBody,
  ChangePasswordResult,
  EndSessionsResult,
];

const when = (ms: number | null) => (ms === null ? null : iso(ms));

/** The API's view of a user's settings. */
export function toSettingsJson(s: AccountSettings, canChangePassword: boolean) {
  return {
    displayName: s.displayName,
    language: s.language,
    signature: s.signature,
    vacation: { ...s.vacation, startsAt: when(s.vacation.startsAt), endsAt: when(s.vacation.endsAt) },
    forwarding: s.forwarding,
    canChangePassword,
    updatedAt: when(s.updatedAt),
  };
}
