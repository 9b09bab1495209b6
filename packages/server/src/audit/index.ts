/**
 * The admin audit log: who changed what through the API (every
 * POST/PUT/PATCH/DELETE on `/api/v1` and `/scim/v2`), written in batches
 * after each response, read newest first by `GET /api/v1/audit`.
 */
export { type AuditLogOptions, createAuditLog } from './log.js';
export type { AuditActor, AuditEntry, AuditEntryInput, AuditLog, AuditQuery, AuditScope } from './types.js';
