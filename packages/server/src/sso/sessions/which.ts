import type { ExpressionBuilder } from 'kysely';
import type { DB } from '../../store/index.js';
import type { SessionRow } from './fallback.js';

/** Which sessions an operation ends, as SQL and as a test of a row kept in memory. */
export type Which =
  | { id: string }
  | { tokenHash: string }
  | { userId: string }
  | { providerId: string; sid: string | null; sub: string | null; ticket: string | null };

/** The SQL condition choosing `which`. */
export function condition(which: Which) {
  return (eb: ExpressionBuilder<DB, 'sessions'>) => {
    if ('id' in which) return eb('sessions.id', '=', which.id);
    if ('tokenHash' in which) return eb('sessions.token_hash', '=', which.tokenHash);
    if ('userId' in which) return eb('sessions.user_id', '=', which.userId);
    const { providerId, sid, sub, ticket } = which;
    const terms = [eb('sessions.provider_id', '=', providerId)];
    if (sid) {
      terms.push(eb('sessions.external_sid', '=', sid));
      if (sub) terms.push(eb('sessions.external_sub', '=', sub));
    } else if (ticket) terms.push(eb('sessions.external_ticket', '=', ticket));
    else terms.push(eb('sessions.external_sub', '=', sub as string));
    return eb.and(terms);
  };
}

/** Whether a row kept in memory is one of `which`. */
export function matches(r: SessionRow, which: Which): boolean {
  if ('id' in which) return r.id === which.id;
  if ('tokenHash' in which) return r.token_hash === which.tokenHash;
  if ('userId' in which) return r.user_id === which.userId;
  const { providerId, sid, sub, ticket } = which;
  if (r.provider_id !== providerId) return false;
  if (sid) return r.external_sid === sid && (!sub || r.external_sub === sub);
  return ticket ? r.external_ticket === ticket : r.external_sub === sub;
}
