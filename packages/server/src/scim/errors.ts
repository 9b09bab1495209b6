import { AppError, type ErrorCode, ErrorCodes } from '../shared/index.js';
import { ERROR_SCHEMA } from './catalog.js';

/** RFC 7644 §3.12 `scimType` values. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

/** A SCIM protocol error: its HTTP status, `scimType` and a detail safe to show. */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: ScimType | null,
    detail: string,
  ) {
    super(detail);
    this.name = 'ScimError';
  }
}

/** How our error codes read in SCIM (RFC 7644 §3.12): status and scimType. */
const FROM_APP: Partial<Record<ErrorCode, [number, ScimType | null]>> = {
  VALIDATION_FAILED: [400, 'invalidValue'],
  BAD_REQUEST: [400, 'invalidSyntax'],
  ADDRESS_TAKEN: [409, 'uniqueness'],
  EXTERNAL_ID_TAKEN: [409, 'uniqueness'],
  GROUP_EXISTS: [409, 'uniqueness'],
  USER_EXTERNALLY_MANAGED: [400, 'mutability'],
  DOMAIN_NOT_FOUND: [400, 'invalidValue'],
};

/** The SCIM error for anything a SCIM route throws; unexpected errors become a bare 500. */
export function toScimError(err: unknown): ScimError {
  if (err instanceof ScimError) return err;
  if (err instanceof AppError) {
    const [status, scimType] = FROM_APP[err.code] ?? [err.status, null];
    return new ScimError(status, scimType, status >= 500 ? ErrorCodes[err.code].title : err.message);
  }
  // scimmy's own errors (PatchOp, schema coercion) carry status and scimType; its TypeErrors are bad values.
  const e = err as { status?: unknown; scimType?: unknown; message?: unknown; name?: unknown };
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && typeof e.message === 'string')
    return new ScimError(e.status, (e.scimType as ScimType) ?? null, e.message);
  if (err instanceof TypeError && isScimmyMessage(err.message))
    return new ScimError(400, 'invalidValue', err.message);
  return new ScimError(500, null, 'Internal error');
}

/** scimmy's schema coercion throws TypeErrors that describe the client's value ("Attribute 'x' expected …"). */
const isScimmyMessage = (m: string) =>
  /^(Required attribute|Attribute '|Value '|Complex attribute|Expected)/.test(m);

/** The RFC 7644 §3.12 error body. */
export function scimErrorBody(e: ScimError): Record<string, unknown> {
  return {
    schemas: [ERROR_SCHEMA],
    status: String(e.status),
    ...(e.scimType ? { scimType: e.scimType } : {}),
    detail: e.message,
  };
}
