import { parseAppend } from './append-command.js';
import { Arguments } from './arguments.js';
import type { BareCommandName, ImapCommand, ParseContext } from './commands.js';
import { syntaxError } from './errors.js';
import { parseCreate, parseList, parseSelect, parseStatus, readMailbox } from './mailbox-commands.js';
import { parseCopy, parseExpunge, parseFetch, parseSearchFamily, parseStore } from './message-commands.js';
import {
  parseAuthenticate,
  parseCompress,
  parseEnable,
  parseGetQuota,
  parseId,
  parseLogin,
  parseSetQuota,
} from './session-commands.js';
import type { RawCommand } from './tokens.js';

type Parser = (args: Arguments, uid: boolean, context: ParseContext) => ImapCommand;

const bare =
  (name: BareCommandName): Parser =>
  (args) => {
    args.end();
    return { name };
  };

const oneMailbox =
  (name: 'DELETE' | 'SUBSCRIBE' | 'UNSUBSCRIBE' | 'GETQUOTAROOT'): Parser =>
  (args, _uid, context) => {
    const mailbox = readMailbox(args, context);
    args.end();
    return { name, mailbox };
  };

/** Commands that may follow UID (RFC 9051 §6.4.9; MOVE RFC 6851; EXPUNGE RFC 4315; SORT/THREAD RFC 5256). */
const UID_COMMANDS = new Set(['FETCH', 'STORE', 'COPY', 'MOVE', 'SEARCH', 'EXPUNGE', 'SORT', 'THREAD']);

const PARSERS: Record<string, Parser> = {
  CAPABILITY: bare('CAPABILITY'),
  NOOP: bare('NOOP'),
  LOGOUT: bare('LOGOUT'),
  STARTTLS: bare('STARTTLS'),
  CHECK: bare('CHECK'),
  CLOSE: bare('CLOSE'),
  UNSELECT: bare('UNSELECT'),
  IDLE: bare('IDLE'),
  NAMESPACE: bare('NAMESPACE'),
  LOGIN: (args) => parseLogin(args),
  AUTHENTICATE: (args) => parseAuthenticate(args),
  ENABLE: (args) => parseEnable(args),
  ID: (args) => parseId(args),
  COMPRESS: (args) => parseCompress(args),
  GETQUOTA: (args) => parseGetQuota(args),
  SETQUOTA: (args) => parseSetQuota(args),
  SELECT: (args, _uid, context) => parseSelect('SELECT', args, context),
  EXAMINE: (args, _uid, context) => parseSelect('EXAMINE', args, context),
  CREATE: (args, _uid, context) => parseCreate(args, context),
  DELETE: oneMailbox('DELETE'),
  SUBSCRIBE: oneMailbox('SUBSCRIBE'),
  UNSUBSCRIBE: oneMailbox('UNSUBSCRIBE'),
  GETQUOTAROOT: oneMailbox('GETQUOTAROOT'),
  RENAME: (args, _uid, context) => {
    const from = readMailbox(args, context);
    const to = readMailbox(args, context);
    args.end();
    return { name: 'RENAME', from, to };
  },
  STATUS: (args, _uid, context) => parseStatus(args, context),
  LIST: (args, _uid, context) => parseList('LIST', args, context),
  LSUB: (args, _uid, context) => parseList('LSUB', args, context),
  APPEND: (args, _uid, context) => parseAppend(args, context),
  FETCH: (args, uid) => parseFetch(args, uid),
  STORE: (args, uid) => parseStore(args, uid),
  COPY: (args, uid, context) => parseCopy('COPY', args, uid, context),
  MOVE: (args, uid, context) => parseCopy('MOVE', args, uid, context),
  EXPUNGE: (args, uid) => parseExpunge(args, uid),
  SEARCH: (args, uid) => parseSearchFamily('SEARCH', args, uid),
  SORT: (args, uid) => parseSearchFamily('SORT', args, uid),
  THREAD: (args, uid) => parseSearchFamily('THREAD', args, uid),
};

/** The names of every command {@link parseCommand} knows. */
export const KNOWN_COMMANDS: ReadonlySet<string> = new Set(Object.keys(PARSERS));

/**
 * Turns a raw command into its typed form, or throws an
 * {@link ImapProtocolError} whose text names what was wrong (answer it with
 * `<tag> BAD ...`, or NO for BADCHARSET). Which commands are allowed in the
 * session's state is the session's business, not this function's.
 */
export function parseCommand(raw: RawCommand, context: ParseContext): ImapCommand {
  const parser = PARSERS[raw.name];
  if (!parser) throw syntaxError(`Unknown command ${raw.uid ? 'UID ' : ''}${raw.name.slice(0, 40)}`);
  if (raw.uid && !UID_COMMANDS.has(raw.name)) throw syntaxError(`UID ${raw.name} is not a command`);
  const label = raw.uid ? `UID ${raw.name}` : raw.name;
  return parser(new Arguments(raw.args, label), raw.uid, context);
}
