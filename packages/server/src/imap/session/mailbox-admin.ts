import { MAILBOX_DELIMITER } from '../../store/index.js';
import { statusLine } from '../protocol/index.js';
import type { CommandOf } from './registry.js';
import type { ImapSession } from './session.js';
import { type Completion, no, ok } from './types.js';

/** RFC 9051 §6.3.4: a trailing delimiter says "I will make children"; the name is without it. */
function withoutTrailingDelimiter(name: string): string {
  return name.endsWith(MAILBOX_DELIMITER) ? name.slice(0, -1) : name;
}

function userOf(session: ImapSession) {
  if (!session.user) throw new Error('mailbox command before login');
  return session.user;
}

/** CREATE (RFC 9051 §6.3.4) with USE (RFC 6154 §3, CREATE-SPECIAL-USE): missing parents are created too. */
export async function createCommand(
  session: ImapSession,
  input: { command: CommandOf<'CREATE'> },
): Promise<Completion> {
  const user = userOf(session);
  const { specialUse } = input.command;
  if (specialUse.length > 1) return no('A mailbox can have one special use', { name: 'USEATTR' });
  const name = withoutTrailingDelimiter(input.command.mailbox);
  await session.store.createMailbox(user.id, name, { specialUse: specialUse[0] ?? null });
  return ok('CREATE completed');
}

/**
 * DELETE (RFC 9051 §6.3.5): INBOX, Sent, Drafts, Junk and Trash cannot go
 * (`NO [CANNOT]`), nor a mailbox with children (`NO [HASCHILDREN]`).
 * Deleting the selected mailbox deselects it (`* OK [CLOSED]`).
 */
export async function deleteCommand(
  session: ImapSession,
  input: { command: CommandOf<'DELETE'> },
): Promise<Completion> {
  const user = userOf(session);
  const name = withoutTrailingDelimiter(input.command.mailbox);
  const target = await session.store.getMailbox(user.id, name);
  await session.store.deleteMailbox(user.id, target.name);
  if (session.selected?.mailboxId === target.id) {
    session.selected = null;
    session.state = 'authenticated';
    session.send(statusLine('*', 'OK', 'Mailbox deleted and closed', { name: 'CLOSED' }));
  }
  return ok('DELETE completed');
}

/** RENAME (RFC 9051 §6.3.6): children follow; renaming INBOX moves its messages and leaves it empty. */
export async function renameCommand(
  session: ImapSession,
  input: { command: CommandOf<'RENAME'> },
): Promise<Completion> {
  const user = userOf(session);
  const from = withoutTrailingDelimiter(input.command.from);
  const to = withoutTrailingDelimiter(input.command.to);
  const renamed = await session.store.renameMailbox(user.id, from, to);
  const view = session.selected;
  if (view && view.mailboxId === renamed.id) view.name = renamed.name;
  return ok('RENAME completed');
}

/** SUBSCRIBE and UNSUBSCRIBE (RFC 9051 §6.3.7-8): any valid name, existing or not. */
export async function subscribeCommand(
  session: ImapSession,
  input: { command: CommandOf<'SUBSCRIBE' | 'UNSUBSCRIBE'> },
): Promise<Completion> {
  const user = userOf(session);
  const name = withoutTrailingDelimiter(input.command.mailbox);
  await session.store.setSubscribed(user.id, name, input.command.name === 'SUBSCRIBE');
  return ok(`${input.command.name} completed`);
}
