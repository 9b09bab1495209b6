import { type Command, err, ok } from '../protocol/index.js';
import type { MaildropEntry } from './maildrop.js';
import { maildropOf, messageArg } from './message-number.js';
import type { Pop3Session } from './session.js';

/** STAT (RFC 1939 §5): count and octets of the messages not marked deleted. */
export function stat(session: Pop3Session): void {
  const { count, octets } = maildropOf(session).stat();
  session.send(ok(`${count} ${octets}`));
}

/** LIST (RFC 1939 §5): each message's size in octets. */
export function list(session: Pop3Session, command: Command): Promise<void> | void {
  return scan(session, command, 'LIST', (e) => String(e.size));
}

/** UIDL (RFC 1939 §7): each message's unique id, its store id (see maildrop.ts). */
export function uidl(session: Pop3Session, command: Command): Promise<void> | void {
  return scan(session, command, 'UIDL', (e) => e.id);
}

/** One message's line, or all of them as a multi-line response, written as it goes (a maildrop may be large). */
async function scan(
  session: Pop3Session,
  command: Command,
  verb: string,
  value: (e: MaildropEntry) => string,
): Promise<void> {
  if (command.args.length > 1) return session.send(err(`Syntax: ${verb} [message]`));
  if (command.args.length === 1) {
    const found = messageArg(session, command.args[0]);
    if (found) session.send(ok(`${found[0]} ${value(found[1])}`));
    return;
  }
  const maildrop = maildropOf(session);
  const { count, octets } = maildrop.stat();
  session.send(ok(verb === 'LIST' ? `${count} messages (${octets} octets)` : `${count} messages`));
  let lines = '';
  for (const [n, entry] of maildrop.live()) {
    lines += `${n} ${value(entry)}\r\n`;
    if (lines.length >= 16 * 1024) {
      await session.sendStreamed(Buffer.from(lines));
      lines = '';
    }
  }
  session.send(`${lines}.\r\n`);
}
