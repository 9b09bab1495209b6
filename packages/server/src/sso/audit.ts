import type { Kysely } from 'kysely';
import { newId } from '../shared/index.js';
import type { DB } from '../store/index.js';
import type { Logger } from '../telemetry/index.js';

/** One SSO event worth keeping: who did what for whom, from where, and how it ended. Never a secret. */
export interface AuditEvent {
  /** `login_link.issue`, `login_link.use`, `oidc.login`, `oidc.backchannel_logout` … */
  event: string;
  /** `api_key:<id>`, `user:<address>`, `provider:<id>`, or `anonymous`. */
  actor: string;
  /** The address concerned, or '' when unknown (a forged link). */
  subject: string;
  ip: string;
  /** `ok`, or why not. */
  result: string;
  detail?: string;
}

export interface AuditEntry extends Required<AuditEvent> {
  id: string;
  at: number;
}

export interface Audit {
  /** Writes the event to the audit table and the log. */
  record(event: AuditEvent): Promise<void>;
  /** The newest entries first, optionally about one address. */
  list(options?: { subject?: string; limit?: number }): Promise<AuditEntry[]>;
}

export function createAudit(db: Kysely<DB>, log: Logger, now: () => number = Date.now): Audit {
  return {
    async record(e) {
      const at = now();
      const entry = { id: newId(at), at, detail: '', ...e };
      await db.insertInto('sso_audit').values(entry).execute();
      log.info(
        {
          audit: entry.event,
          actor: e.actor,
          subject: e.subject,
          ip: e.ip,
          result: e.result,
          detail: entry.detail,
        },
        'sso audit',
      );
    },
    async list(options = {}) {
      let q = db
        .selectFrom('sso_audit')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(options.limit ?? 100);
      if (options.subject !== undefined) q = q.where('subject', '=', options.subject);
      const rows = await q.execute();
      return rows.map((r) => ({ ...r, at: Number(r.at) }));
    },
  };
}
