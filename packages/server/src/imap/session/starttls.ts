import { statusLine } from '../protocol/index.js';
import type { ImapSession } from './session.js';
import { bad, type Completion } from './types.js';

/**
 * STARTTLS (RFC 9051 §6.2.1): the tagged OK, then the TLS handshake on the
 * same connection. Whatever the client pipelined after STARTTLS is dropped
 * unread: it was not protected, and could be an injected command
 * (CVE-2011-0411). The client must ask for CAPABILITY again (§6.2.1).
 */
export async function starttlsCommand(
  session: ImapSession,
  input: { tag: string },
): Promise<Completion | null> {
  if (session.secure) return bad('TLS is already active');
  session.send(statusLine(input.tag, 'OK', 'Begin TLS negotiation now'));
  await session.conn.flush();
  const dropped = session.reader.dropBuffered();
  if (dropped > 0) session.log.info({ ip: session.ip, dropped }, 'imap: plaintext after STARTTLS dropped');
  await session.conn.startTls(session.deps.secureContext);
  return null;
}
