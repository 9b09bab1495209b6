import type { CommandOf } from './registry.js';
import type { ImapSession } from './session.js';
import { type Completion, ok } from './types.js';

/**
 * CLOSE (RFC 9051 §6.4.1): expunges the `\Deleted` messages of a mailbox
 * opened read-write, silently (no EXPUNGE responses), and deselects;
 * UNSELECT (RFC 3691) deselects without expunging.
 */
export async function closeCommand(
  session: ImapSession,
  input: { command: CommandOf<'CLOSE' | 'UNSELECT'> },
): Promise<Completion> {
  const view = session.selected;
  const user = session.user;
  if (view && user && input.command.name === 'CLOSE' && !view.readOnly) {
    await session.store.expunge(user.id, view.mailboxId);
  }
  session.selected = null;
  session.state = 'authenticated';
  return ok(`${input.command.name} completed`);
}
