import { type Static, Type } from 'typebox';

/**
 * `audit`: the admin audit log (`audit/`, `GET /api/v1/audit`). Every
 * state-changing API request is recorded; this section only says how long
 * entries are kept.
 */
export const AuditSchema = Type.Object(
  {
    retentionDays: Type.Integer({
      minimum: 1,
      maximum: 3650,
      default: 365,
      description: 'Days audit log entries (who changed what through the API) are kept',
    }),
  },
  { default: {}, additionalProperties: false },
);
export type AuditConfig = Static<typeof AuditSchema>;
