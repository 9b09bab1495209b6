import { capabilityResponse } from '../protocol/index.js';
import type { ImapSession } from './session.js';
import { ok } from './types.js';

/**
 * Extensions every session has once signed in (RFC 9051 §6.1.1; the list of
 * issue 19). AUTH=, STARTTLS, LOGINDISABLED and COMPRESS depend on the
 * connection; extensions of commands plugged in from outside (ESEARCH,
 * SORT, THREAD, BINARY …) come from the registry.
 */
const BASE = [
  'IMAP4rev2',
  'IMAP4rev1',
  'LITERAL+',
  'ID',
  'ENABLE',
  'IDLE',
  'NAMESPACE',
  'UNSELECT',
  'UIDPLUS',
  'MOVE',
  'CONDSTORE',
  'QRESYNC',
  'SPECIAL-USE',
  'CREATE-SPECIAL-USE',
  'LIST-EXTENDED',
  'LIST-STATUS',
  'CHILDREN',
  'STATUS=SIZE',
  'QUOTA',
  'QUOTA=RES-STORAGE',
  'UTF8=ACCEPT',
] as const;

/** The capabilities of this session now (they change at STARTTLS, login and COMPRESS). */
export function capabilities(session: ImapSession): string[] {
  const caps: string[] = [...BASE];
  if (session.state === 'not-authenticated') {
    if (!session.secure) caps.push('STARTTLS');
    // RFC 9051 §6.2.3: LOGINDISABLED, and no mechanism that would send a password in the clear.
    if (session.mayLogin) caps.push('AUTH=PLAIN', 'AUTH=LOGIN', 'SASL-IR');
    else caps.push('LOGINDISABLED');
  } else if (!session.conn.compressed) caps.push('COMPRESS=DEFLATE'); // RFC 4978 §3: after authentication
  caps.push(`APPENDLIMIT=${session.appendLimit}`);
  caps.push(...session.deps.commands.capabilities);
  return caps;
}

/** CAPABILITY (RFC 9051 §6.1.1). */
export function capabilityCommand(session: ImapSession) {
  session.send(capabilityResponse(capabilities(session)));
  return ok('CAPABILITY completed');
}
