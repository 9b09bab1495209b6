import { normalizeAddress } from '../../shared/index.js';
import { type Command, continuation, decodePlain, err, multiLine } from '../protocol/index.js';
import type { Pop3Session } from './session.js';
import { mayAuthenticate, PLAINTEXT_REFUSED, signIn } from './sign-in.js';

/**
 * AUTH (RFC 5034): SASL PLAIN (RFC 4616), with an initial response or
 * after an empty `+ ` challenge. A bare `AUTH` lists the mechanisms, as
 * clients that probe with it (Outlook among them) expect.
 */
export async function auth(session: Pop3Session, command: Command): Promise<void> {
  const [mechanism, initial, ...extra] = command.args;
  if (mechanism === undefined) {
    return session.send(multiLine('Methods follow', mayAuthenticate(session) ? ['PLAIN'] : []));
  }
  if (!mayAuthenticate(session)) return session.send(PLAINTEXT_REFUSED);
  if (mechanism.toUpperCase() !== 'PLAIN') return session.send(err('Unsupported authentication mechanism'));
  if (extra.length > 0) return session.send(err('Syntax: AUTH PLAIN [initial-response]'));
  if (initial !== undefined) return plainResponse(session, initial);
  session.send(continuation());
  session.continuation = (line) => plainResponse(session, line);
}

/** The client's PLAIN response; `*` cancels the exchange (RFC 5034 §4). */
async function plainResponse(session: Pop3Session, response: string): Promise<void> {
  if (response.trim() === '*') return session.send(err('Authentication cancelled'));
  const credentials = decodePlain(response);
  if (!credentials) return session.send(err('Malformed PLAIN response'));
  const { authzid, authcid, password } = credentials;
  // Acting as another user (RFC 4616 §2 authzid) is not something a mail client needs.
  if (authzid !== '' && normalizeAddress(authzid) !== normalizeAddress(authcid))
    return session.send(err('Signing in as another user is not allowed', 'AUTH'));
  await signIn(session, authcid, password);
}
