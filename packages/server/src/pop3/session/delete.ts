import { type Command, err, ok } from '../protocol/index.js';
import { maildropOf, messageArg } from './message-number.js';
import type { Pop3Session } from './session.js';

/** DELE (RFC 1939 §5): marks a message; it is removed only at QUIT (the UPDATE state). */
export function dele(session: Pop3Session, command: Command) {
  if (command.args.length !== 1) return session.send(err('Syntax: DELE message'));
  const found = messageArg(session, command.args[0]);
  if (!found) return;
  maildropOf(session).markDeleted(found[0]);
  session.send(ok(`Message ${found[0]} deleted`));
}

/** RSET (RFC 1939 §5): unmarks every message marked deleted in this session. */
export function rset(session: Pop3Session): void {
  const maildrop = maildropOf(session);
  maildrop.reset();
  const { count, octets } = maildrop.stat();
  session.send(ok(`Maildrop has ${count} messages (${octets} octets)`));
}
