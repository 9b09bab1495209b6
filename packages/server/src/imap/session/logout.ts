import { statusLine } from '../protocol/index.js';
import type { ImapSession } from './session.js';

/**
 * LOGOUT (RFC 9051 §6.1.3): `* BYE` with text (Outlook shows an error when
 * BYE has none), the tagged OK, then the server closes.
 */
export function logoutCommand(session: ImapSession, input: { tag: string }): null {
  session.send(statusLine('*', 'BYE', `${session.deps.settings.hostname} IMAP server logging out`));
  session.send(statusLine(input.tag, 'OK', 'LOGOUT completed'));
  session.state = 'logout';
  session.conn.end();
  return null;
}
