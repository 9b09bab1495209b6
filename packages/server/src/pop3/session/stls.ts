import { err, ok } from '../protocol/index.js';
import type { Pop3Session } from './session.js';

/**
 * STLS (RFC 2595 §4): `+OK`, then the TLS handshake on the same
 * connection. Anything learnt before it (a USER name) is forgotten, and
 * anything the client pipelined after STLS is dropped unread.
 */
export async function stls(session: Pop3Session): Promise<void> {
  if (session.secure) return session.send(err('Already using TLS'));
  session.send(ok('Begin TLS negotiation'));
  await session.flush();
  await session.startTls();
  session.pendingUser = null;
}
