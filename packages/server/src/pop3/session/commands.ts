import { type Command, err, parseCommand } from '../protocol/index.js';
import { auth } from './auth.js';
import { capa } from './capa.js';
import { dele, rset } from './delete.js';
import { list, stat, uidl } from './listing.js';
import { noop, quit } from './noop-quit.js';
import { retr, top } from './retrieve.js';
import type { Pop3Session, Pop3State } from './session.js';
import { stls } from './stls.js';
import { pass, user } from './user-pass.js';

type Handler = (session: Pop3Session, command: Command) => Promise<void> | void;

const AUTHORIZATION: readonly Pop3State[] = ['authorization'];
const TRANSACTION: readonly Pop3State[] = ['transaction'];
const ANY: readonly Pop3State[] = ['authorization', 'transaction'];

/** Every command and the states it is valid in (RFC 1939 §4-7, RFC 2449, RFC 2595, RFC 5034). */
const COMMANDS: Record<string, { states: readonly Pop3State[]; run: Handler }> = {
  CAPA: { states: ANY, run: capa },
  STLS: { states: AUTHORIZATION, run: stls },
  USER: { states: AUTHORIZATION, run: user },
  PASS: { states: AUTHORIZATION, run: pass },
  AUTH: { states: AUTHORIZATION, run: auth },
  STAT: { states: TRANSACTION, run: stat },
  LIST: { states: TRANSACTION, run: list },
  UIDL: { states: TRANSACTION, run: uidl },
  RETR: { states: TRANSACTION, run: retr },
  TOP: { states: TRANSACTION, run: top },
  DELE: { states: TRANSACTION, run: dele },
  RSET: { states: TRANSACTION, run: rset },
  // RFC 1939 §5 has NOOP in TRANSACTION only; answering it before sign-in too harms nobody.
  NOOP: { states: ANY, run: noop },
  QUIT: { states: ANY, run: quit },
};

const PARSE_ERRORS = {
  empty: 'Empty command',
  'bad-keyword': 'Unknown command',
  'bad-characters': 'Invalid characters in command',
} as const;

/** Runs one command line; unknown, malformed and out-of-state commands get `-ERR`. */
export async function dispatch(session: Pop3Session, line: string): Promise<void> {
  const parsed = parseCommand(line);
  if ('error' in parsed) return session.refuse(PARSE_ERRORS[parsed.error]);
  const command = COMMANDS[parsed.verb];
  if (!command) return session.refuse(`Unknown command: ${parsed.verb}`);
  if (!command.states.includes(session.state)) {
    const when = session.state === 'authorization' ? 'before signing in' : 'after signing in';
    return session.send(err(`${parsed.verb} is not valid ${when}`));
  }
  await command.run(session, parsed);
}
