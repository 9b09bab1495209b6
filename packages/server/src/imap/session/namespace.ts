import { MAILBOX_DELIMITER } from '../../store/index.js';
import { namespaceResponse } from '../protocol/index.js';
import type { ImapSession } from './session.js';
import { ok } from './types.js';

/** NAMESPACE (RFC 9051 §6.3.10, RFC 2342): one personal namespace, no prefix, delimiter `/`; no shared ones. */
export function namespaceCommand(session: ImapSession) {
  session.send(namespaceResponse([['', MAILBOX_DELIMITER]], null, null, session.encoding));
  return ok('NAMESPACE completed');
}
