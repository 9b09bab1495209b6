import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../../audit/index.js';
import type { Logger } from '../../telemetry/index.js';
import { entryOf, isAudited } from './entry.js';

/** The answer's object, kept from preSerialization for the entry (a created object names its domain). */
const ANSWERED = Symbol('auditAnswered');
type WithAnswer = { [ANSWERED]?: unknown };

/**
 * Records every audited request (see {@link isAudited}) after its response
 * went out: the hook only builds a small entry and hands it to the log's
 * batch writer, so the request neither waits for nor fails with the write.
 */
export function installAuditLog(app: FastifyInstance, audit: AuditLog, log: Logger): void {
  app.addHook('preSerialization', async (request, _reply, payload) => {
    if (isAudited(request)) (request as unknown as WithAnswer)[ANSWERED] = payload;
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    try {
      if (!isAudited(request)) return;
      audit.record(entryOf(request, reply.statusCode, (request as unknown as WithAnswer)[ANSWERED]));
    } catch (err) {
      log.warn({ err }, 'could not build an audit log entry');
    }
  });
}
