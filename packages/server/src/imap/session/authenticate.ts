import { decodeSaslResponse, saslChallenge } from '../protocol/index.js';
import type { CommandOf } from './registry.js';
import type { ImapSession } from './session.js';
import { PRIVACY_REQUIRED, signIn } from './sign-in.js';
import { bad, type Completion, no } from './types.js';

/**
 * AUTHENTICATE PLAIN (RFC 4616) and LOGIN (draft-murchison-sasl-login),
 * with SASL-IR (RFC 4959): the initial response may come with the command;
 * otherwise the server sends a challenge and reads the client's line raw
 * (RFC 9051 §6.2.2). `*` cancels (BAD). The exchange's tagged answer is
 * written when it ends, so the command returns null.
 */
export async function authenticateCommand(
  session: ImapSession,
  input: { tag: string; command: CommandOf<'AUTHENTICATE'> },
): Promise<Completion | null> {
  const { tag, command } = input;
  if (!session.mayLogin) return PRIVACY_REQUIRED;
  const mechanism = command.mechanism.toUpperCase();
  if (mechanism === 'PLAIN') {
    if (command.initialResponse) return plain(session, command.initialResponse);
    ask(session, tag, Buffer.alloc(0), (response) => plain(session, response));
    return null;
  }
  if (mechanism === 'LOGIN') {
    const withPassword = (name: string) => (password: Buffer) =>
      signIn(session, name, password.toString('utf8'));
    if (command.initialResponse) {
      ask(session, tag, Buffer.from('Password:'), withPassword(command.initialResponse.toString('utf8')));
    } else {
      ask(session, tag, Buffer.from('Username:'), (name) => {
        ask(session, tag, Buffer.from('Password:'), withPassword(name.toString('utf8')));
        return Promise.resolve(null);
      });
    }
    return null;
  }
  return no(`Unsupported SASL mechanism ${mechanism.slice(0, 40)}; use PLAIN or LOGIN`, {
    name: 'CANNOT',
  });
}

/** Sends a challenge and arranges for the client's next line to go to `next` (null: `next` asked again). */
function ask(
  session: ImapSession,
  tag: string,
  challenge: Buffer,
  next: (response: Buffer) => Promise<Completion | null>,
): void {
  session.send(saslChallenge(challenge));
  session.reader.expectLine();
  session.sasl = async (line) => {
    const decoded = line === 'cancel' || line === null ? line : decodeSaslResponse(line);
    if (decoded === 'cancel') return session.complete(tag, bad('Authentication cancelled'));
    if (decoded === null) return session.complete(tag, bad('Invalid base64 in the SASL response'));
    const completion = await next(decoded);
    if (completion) await session.complete(tag, completion);
  };
}

/** RFC 4616 §2: `[authzid] NUL authcid NUL passwd`; acting as another user is not offered. */
async function plain(session: ImapSession, message: Buffer): Promise<Completion> {
  const parts = message.toString('utf8').split('\0');
  if (parts.length !== 3) return bad('Malformed PLAIN response');
  const [authzid, authcid, password] = parts as [string, string, string];
  if (authzid !== '' && authzid.toLowerCase() !== authcid.toLowerCase())
    return no('Acting as another user is not allowed', { name: 'AUTHORIZATIONFAILED' });
  return signIn(session, authcid, password);
}
