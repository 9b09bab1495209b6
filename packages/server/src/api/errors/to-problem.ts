import type { FastifySchemaValidationError } from 'fastify/types/schema.js';
import { AppError, type ErrorCode, ErrorCodes, isAppError, isStorageFull } from '../../shared/index.js';
import { formatMeaning, patternMeaning } from '../schemas/patterns.js';
import { PROBLEM_TYPE_BASE } from '../schemas/problem.js';

/** The RFC 9457 body every error response carries. */
export interface ProblemJson {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  errors?: { field: string; message: string }[];
}

/** `USER_NOT_FOUND` → `/docs/errors#USER_NOT_FOUND`: stable, one per code, explained on that page. */
export const problemType = (code: ErrorCode): string => PROBLEM_TYPE_BASE + code;

interface HttpishError {
  code?: string;
  statusCode?: number;
  message?: string;
  validation?: FastifySchemaValidationError[];
  validationContext?: string;
}

/**
 * Any thrown value → the AppError the client sees. Our own errors pass as
 * they are; fastify's request errors map to their codes; everything else
 * is INTERNAL, whose message is never shown (it may hold paths, SQL …).
 */
export function toAppError(error: unknown): AppError {
  // Checked first: a full disk often arrives as INTERNAL with the driver's error as its cause.
  if (isStorageFull(error)) {
    return new AppError('STORAGE_FULL', 'The server has no room to store this now; try again later');
  }
  if (isAppError(error)) return error;
  const e = (error ?? {}) as HttpishError;
  if (Array.isArray(e.validation)) return validationFailed(e.validation, e.validationContext);
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE', 'The request body is larger than the server accepts');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send request bodies as application/json');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('BAD_REQUEST', 'The request body is not valid JSON');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError(
        'BAD_REQUEST',
        'The request body is empty but its Content-Type is application/json',
      );
  }
  const status = e.statusCode ?? 500;
  if (status === 404) return new AppError('NOT_FOUND');
  if (status === 429) return new AppError('RATE_LIMITED');
  if (status === 413) return new AppError('PAYLOAD_TOO_LARGE');
  // fastify's other 4xx messages describe the request, not the server: safe to show.
  if (status >= 400 && status < 500) return new AppError('BAD_REQUEST', e.message || undefined);
  return new AppError('INTERNAL', 'An unexpected error occurred; it has been logged');
}

/** Schema errors (ajv's) → one VALIDATION_FAILED naming each field, in words. */
export function validationFailed(validation: FastifySchemaValidationError[], context?: string): AppError {
  const errors = validation.map((v) => fieldError(v, context));
  const detail = errors.map((x) => `${x.field}: ${x.message}`).join('; ');
  return new AppError('VALIDATION_FAILED', detail, { errors });
}

/** The field errors of an AppError, as a problem lists them. */
export function problemFieldErrors(error: AppError): { field: string; message: string }[] {
  return fieldErrors(error);
}

/** Builds the problem body for an AppError raised while serving `instance`. */
export function toProblem(error: AppError, instance: string): ProblemJson {
  const problem: ProblemJson = {
    type: problemType(error.code),
    title: ErrorCodes[error.code].title,
    status: error.status,
    detail: error.message,
    code: error.code,
    instance,
  };
  const errors = fieldErrors(error);
  if (errors.length > 0) problem.errors = errors;
  return problem;
}

/** Field errors from `extra.errors` (validation) or `extra.field` (a service naming one field). */
function fieldErrors(error: AppError): { field: string; message: string }[] {
  const extra = error.extra ?? {};
  if (Array.isArray(extra.errors)) return extra.errors as { field: string; message: string }[];
  if (typeof extra.field === 'string') {
    const prefix = `${extra.field}: `;
    const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    return [{ field: extra.field, message }];
  }
  return [];
}

/**
 * An ajv error → `{ field, message }` with a dotted path: `to[0].address`
 * in a body, `query.limit` / `path.address` elsewhere, so the client knows
 * which input to fix.
 */
function fieldError(v: FastifySchemaValidationError, context: string | undefined) {
  const segments = v.instancePath.split('/').slice(1).map(decodePointer);
  const params = (v.params ?? {}) as Record<string, unknown>;
  if (typeof params.missingProperty === 'string') segments.push(params.missingProperty);
  if (typeof params.additionalProperty === 'string') segments.push(params.additionalProperty);
  let path = '';
  for (const s of segments) path += /^\d+$/.test(s) ? `[${s}]` : path ? `.${s}` : s;
  const where = context === 'querystring' ? 'query' : context === 'params' ? 'path' : context;
  const field = where && where !== 'body' ? (path ? `${where}.${path}` : where) : path || 'body';
  const message = params.additionalProperty
    ? 'is not a known property'
    : v.keyword === 'pattern'
      ? patternMeaning(params.pattern)
      : v.keyword === 'format'
        ? formatMeaning(params.format)
        : (v.message ?? 'is invalid');
  return { field, message };
}

const decodePointer = (s: string) => s.replaceAll('~1', '/').replaceAll('~0', '~');
