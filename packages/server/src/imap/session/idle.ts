import type { ImapSession } from './session.js';
import { announceUpdates } from './updates.js';

/**
 * IDLE (RFC 2177, RFC 9051 §6.3.13): `+ idling`, then the selected
 * mailbox's changes are sent as they happen (the session's change feed
 * wakes it), with `* OK Still here` every `imap.idleKeepaliveMs` so NAT
 * boxes keep the connection, until DONE — or, as iOS Mail does, another
 * command without DONE, which ends the IDLE and then runs. The tagged OK is
 * written when the IDLE ends (see ImapSession), so the command returns null.
 */
export async function idleCommand(session: ImapSession, input: { tag: string }): Promise<null> {
  const now = Date.now();
  session.idle = { tag: input.tag, since: now, lastKeepalive: now };
  await announceUpdates(session, true);
  session.send(Buffer.from('+ idling\r\n'));
  session.reader.startIdle();
  await session.conn.flush();
  return null;
}
