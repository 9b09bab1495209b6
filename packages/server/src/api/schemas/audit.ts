import { Type } from 'typebox';
import type { AuditEntry } from '../../audit/index.js';
import { Cursor, DomainName, iso, Limit, Nullable, PageOf, Timestamp } from './common.js';

export const AuditEntryModel = Type.Object(
  {
    id: Type.String({ description: 'The entry’s id; entries sort by it, newest last' }),
    at: Timestamp('When the request was answered'),
    actor: Type.Object(
      {
        kind: Type.Unsafe<AuditEntry['actor']['kind']>({
          type: 'string',
          enum: ['user', 'api_key', 'app', 'widget'],
          description: 'A signed-in user, an API key, an app token, a widget token',
        }),
        id: Type.String({ description: 'The user’s id, the key’s id or the app’s client id' }),
        address: Nullable(Type.String({ description: 'A user’s address; null for credentials' })),
      },
      { additionalProperties: false },
    ),
    action: Type.String({
      description: 'The operation: its operationId (`createUser`), or `scim.<verb><Resource>` for SCIM',
    }),
    method: Type.String(),
    route: Type.String({ description: 'The route pattern (`/api/v1/users/:address`)' }),
    target: Type.Record(Type.String(), Type.String(), {
      description: 'The path parameters naming the object (address, name, id …)',
    }),
    domains: Type.Array(Type.String(), {
      description:
        'The domains it touched; empty for install-wide actions (only unrestricted readers see those)',
    }),
    outcome: Type.Integer({ description: 'The HTTP status it was answered with' }),
    requestId: Type.String({ description: 'The request id of the server’s log lines' }),
    ip: Type.String({ description: 'The client’s address' }),
  },
  {
    $id: 'AuditEntry',
    title: 'AuditEntry',
    additionalProperties: false,
    description: 'One state-changing API request: never its body, a secret or a key',
  },
);

export const AuditPage = PageOf(AuditEntryModel, 'AuditPage', 'Audit log entries, newest first');

export const AuditQuery = Type.Object({
  actor: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 320,
      description: 'A user’s address or id, a key’s id, an app’s client id',
    }),
  ),
  action: Type.Optional(
    Type.String({ minLength: 1, maxLength: 100, description: 'An operationId (`revokeApiKey`)' }),
  ),
  domain: Type.Optional(DomainName('Only entries that touched this domain')),
  since: Type.Optional(Type.String({ format: 'date-time', description: 'From this time on (inclusive)' })),
  until: Type.Optional(Type.String({ format: 'date-time', description: 'Before this time (exclusive)' })),
  limit: Type.Optional(Limit),
  cursor: Type.Optional(Cursor),
});

export const toAuditEntryJson = (e: AuditEntry) => ({
  id: e.id,
  at: iso(e.at),
  actor: e.actor,
  action: e.action,
  method: e.method,
  route: e.route,
  target: e.target,
  domains: e.domains,
  outcome: e.status,
  requestId: e.requestId,
  ip: e.ip,
});
