import { Type } from 'typebox';
import type { Scope } from '../../directory/index.js';
import '../fastify-types.js';

/** The OpenAPI tags, in the order the docs show them (descriptions in openapi/document.ts). */
export type Tag =
  | 'domains'
  | 'users'
  | 'groups'
  | 'filter'
  | 'mail'
  | 'directory'
  | 'queue'
  | 'events'
  | 'webhooks'
  | 'apps'
  | 'api-keys'
  | 'oauth'
  | 'sso'
  | 'widget'
  | 'web-auth'
  | 'admin'
  | 'health';

export interface OpMeta {
  /** Stable; SDK and client generators name methods after it. */
  operationId: string;
  tag: Tag;
  summary: string;
  description?: string;
  /** The scope an API key needs; also enforced for users by role (see api/auth/access.ts). */
  scope: Scope;
  /** Who may call it, in words, for the docs. */
  callers: string;
  /** Takes bodies up to `api.bodyLimit` rather than `api.defaultBodyLimit` (see api/body). */
  largeBody?: boolean;
  /** A widget token may call it too (`also`), or only a widget token may (`only`): see RouteAuth.widget. */
  widget?: 'also' | 'only';
}

/**
 * A route's documentation and auth requirement from one declaration: the
 * scope in `config.auth` is what the auth hook enforces and the same scope
 * is what the OpenAPI `security` and description show.
 */
export function op<S extends object>(meta: OpMeta, schema: S) {
  const only = meta.widget === 'only';
  const requirement = only
    ? `**Requires** a widget token. **Callers:** ${meta.callers}.`
    : `**Requires** scope \`${meta.scope}\`. **Callers:** ${meta.callers}.`;
  const security: Record<string, string[]>[] = only
    ? [{ widgetToken: [] }]
    : [
        { bearerAuth: [meta.scope] },
        { appToken: [meta.scope] },
        { basicAuth: [meta.scope] },
        { cookieAuth: [] },
        ...(meta.widget ? [{ widgetToken: [] }] : []),
      ];
  return {
    schema: {
      operationId: meta.operationId,
      tags: [meta.tag] as string[],
      summary: meta.summary,
      description: meta.description ? `${meta.description}\n\n${requirement}` : requirement,
      security,
      ...schema,
    },
    config: {
      auth: { scope: meta.scope, ...(meta.widget ? { widget: meta.widget } : {}) },
      ...(meta.largeBody ? { largeBody: true } : {}),
    },
  };
}

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed request (bad JSON, invalid cursor)',
  401: 'Missing or invalid credentials',
  302: 'Redirect',
  403: 'Authenticated, but missing the scope or the right (or `CSRF_FAILED`)',
  404: 'Not found, or not visible to the caller',
  409: 'Conflicts with the current state',
  410: 'Gone: the cursor or sync token is older than the server keeps (`EVENTS_CURSOR_EXPIRED`, `SYNC_TOKEN_EXPIRED`); resync',
  413: 'Request body too large, or a JSON body of more than 10,000 array elements and object members or nested deeper than 32',
  415: 'Request body is not JSON',
  422: 'Validation failed; `errors` names the fields',
  429: 'Too many failed sign-ins; wait `Retry-After` seconds',
  500: 'Unexpected server error',
  503: 'The user directory (LDAP) cannot be reached to check a password, or a service is not available; retry',
  507: 'The server is out of storage (`STORAGE_FULL`): nothing was changed; retry later',
};

const problemHeaders: Record<number, object> = {
  401: {
    'WWW-Authenticate': {
      type: 'string',
      description:
        'The accepted schemes, Bearer and Basic; for a refused app token `Bearer error="invalid_token"` (RFC 6750 §3)',
    },
  },
  429: {
    'Retry-After': { type: 'integer', description: 'Seconds to wait before retrying' },
  },
};

/**
 * Error responses (problem+json) by status. 401, 429, 500, 503 and 507 are
 * added to every authenticated route (503: a directory user's password could
 * not be checked because the directory is down, `DIRECTORY_UNAVAILABLE`; 507:
 * the disk is full, and even a read may need to write, a session or the log).
 */
export function problems(...statuses: number[]) {
  return problemsExactly(...statuses, 401, 429, 500, 503, 507);
}

/** Error responses (problem+json) of exactly these statuses. */
export function problemsExactly(...statuses: number[]) {
  const all = [...new Set(statuses)].sort();
  const out: Record<number, object> = {};
  for (const s of all) {
    out[s] = {
      description: PROBLEM_DESCRIPTIONS[s] ?? 'Error',
      ...(problemHeaders[s] ? { headers: problemHeaders[s] } : {}),
      content: { 'application/problem+json': { schema: { $ref: 'Problem' } } },
    };
  }
  return out;
}

/** Errors of requests with a JSON body. */
export const BODY_PROBLEMS = [400, 413, 415, 422] as const;

/** A 204 response with no body. */
export const NO_CONTENT = { 204: Type.Null({ description: 'Done; no content' }) };
