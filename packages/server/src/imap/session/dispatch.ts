import { isAppError } from '../../shared/index.js';
import {
  type ImapCommand,
  ImapProtocolError,
  parseCommand,
  type RawCommand,
  type ResponseCode,
  statusLine,
} from '../protocol/index.js';
import type { ExpungePolicy } from './registry.js';
import type { ImapSession } from './session.js';
import type { Completion, SessionState } from './types.js';
import { announceUpdates } from './updates.js';

/** AppError codes of the store and the mail service, as IMAP answers them (RFC 5530 codes). */
const APP_ERRORS: Record<string, { status: 'NO' | 'BAD'; code?: string }> = {
  MAILBOX_NOT_FOUND: { status: 'NO', code: 'NONEXISTENT' },
  MAILBOX_EXISTS: { status: 'NO', code: 'ALREADYEXISTS' },
  MAILBOX_NAME_INVALID: { status: 'NO', code: 'CANNOT' },
  MAILBOX_HAS_CHILDREN: { status: 'NO', code: 'HASCHILDREN' },
  MAILBOX_PROTECTED: { status: 'NO', code: 'CANNOT' },
  SPECIAL_USE_INVALID: { status: 'NO', code: 'USEATTR' },
  QUOTA_EXCEEDED: { status: 'NO', code: 'OVERQUOTA' },
  MESSAGE_TOO_LARGE: { status: 'NO', code: 'TOOBIG' },
  HEADER_TOO_LARGE: { status: 'NO', code: 'LIMIT' },
  VALIDATION_FAILED: { status: 'BAD' },
  MESSAGE_NOT_FOUND: { status: 'NO', code: 'NONEXISTENT' },
  USER_DISABLED: { status: 'NO', code: 'AUTHENTICATIONFAILED' },
  MAILBOX_LIMIT: { status: 'NO', code: 'LIMIT' },
  UNAVAILABLE: { status: 'NO', code: 'UNAVAILABLE' },
  DIRECTORY_UNAVAILABLE: { status: 'NO', code: 'UNAVAILABLE' },
  STORAGE_FULL: { status: 'NO', code: 'UNAVAILABLE' },
};

/**
 * A thrown error as the tagged answer: the protocol layer's refusals as
 * they are, the store's errors by code (their messages are written for
 * users), anything else a `NO [SERVERBUG]` without internals (logged).
 */
export function completionOf(session: ImapSession, error: unknown): Completion {
  if (error instanceof ImapProtocolError)
    return { status: error.status, text: error.message, code: error.code };
  if (isAppError(error)) {
    const known = APP_ERRORS[error.code];
    if (known) {
      const code: ResponseCode | undefined = known.code ? { name: known.code } : undefined;
      return { status: known.status, text: error.message, code };
    }
  }
  session.log.error({ err: error }, 'imap command failed');
  return { status: 'NO', text: 'Internal error; try again later', code: { name: 'SERVERBUG' } };
}

const STATE_HINT: Record<SessionState, string> = {
  'not-authenticated': 'log in first',
  authenticated: 'select a mailbox first',
  selected: 'not valid with a mailbox selected',
  logout: 'the session is ending',
};

/**
 * Parses and runs one command: BAD for a malformed one or one the state
 * does not allow (its streamed literals are dropped), else its handler; then
 * the pending updates and the tagged completion (unless the command
 * finishes later, as IDLE and a SASL exchange do).
 */
export async function runCommand(session: ImapSession, raw: RawCommand): Promise<void> {
  let command: ImapCommand;
  try {
    command = parseCommand(raw, { utf8Names: session.utf8Names });
  } catch (error) {
    abortSinks(raw, 'command refused');
    const completion = completionOf(session, error);
    session.refuse(completion.status === 'BAD');
    return sendCompletion(session, raw.tag, completion, 'never', raw.uid);
  }
  const spec = session.deps.commands.lookup(command.name);
  if (!spec?.states.includes(session.state)) {
    abortSinks(raw, 'command refused');
    session.refuse();
    const text = spec
      ? `${raw.uid ? 'UID ' : ''}${raw.name} not allowed now: ${STATE_HINT[session.state]}`
      : `${raw.name} is not supported`;
    return sendCompletion(session, raw.tag, { status: 'BAD', text }, 'never', raw.uid);
  }
  let completion: Completion | null;
  try {
    completion = await spec.run(session, { tag: raw.tag, command });
  } catch (error) {
    abortSinks(raw, 'command failed');
    if (session.closed) return;
    completion = completionOf(session, error);
  }
  if (completion) await sendCompletion(session, raw.tag, completion, spec.expunges, raw.uid);
}

/**
 * Ends a command: the selected mailbox's pending updates that may be sent
 * now (expunges only where `expunges` allows, RFC 9051 §7.5.1), then the
 * tagged status line.
 */
export async function sendCompletion(
  session: ImapSession,
  tag: string,
  completion: Completion,
  expunges: ExpungePolicy,
  uid: boolean,
): Promise<void> {
  if (session.closed) return;
  if (session.state === 'selected' && completion.status !== 'BAD') {
    const allow = expunges === 'always' || (expunges === 'uid-only' && uid);
    await announceUpdates(session, allow);
  }
  session.send(
    statusLine(tag, completion.status, completion.text, completion.code, { utf8: session.encoding.utf8 }),
  );
}

function abortSinks(raw: RawCommand, reason: string): void {
  for (const sink of raw.sinks) sink.abort(reason);
}
