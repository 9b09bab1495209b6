import { isAppError } from '../../shared/index.js';
import type { CopyResult, Mailbox } from '../../store/index.js';
import { countResponse, formatSequenceSet, statusLine, vanishedResponse } from '../protocol/index.js';
import type { CommandOf } from './registry.js';
import type { ImapSession } from './session.js';
import { type Completion, no, ok } from './types.js';
import { tellRecentAfterExpunge } from './updates.js';

/** RFC 4315 §3: `COPYUID uidvalidity source-uids dest-uids`, in the order the store paired them. */
function copyUid(result: CopyResult): { name: string; args: string[] } {
  const source = result.sourceUids.join(',');
  const dest = result.destUids.join(',');
  // Compact forms only when both sides stay in step (a range maps to a range).
  const compact = isRun(result.sourceUids) && isRun(result.destUids);
  return {
    name: 'COPYUID',
    args: [
      String(result.uidValidity),
      compact ? formatSequenceSet(result.sourceUids) : source,
      compact ? formatSequenceSet(result.destUids) : dest,
    ],
  };
}

function isRun(uids: readonly number[]): boolean {
  for (let i = 1; i < uids.length; i++) if ((uids[i] as number) !== (uids[i - 1] as number) + 1) return false;
  return true;
}

/** The destination, or `NO [TRYCREATE]` when it does not exist (RFC 9051 §6.4.7). */
async function destination(
  session: ImapSession,
  userId: string,
  name: string,
): Promise<Mailbox | Completion> {
  try {
    return await session.store.getMailbox(userId, name);
  } catch (error) {
    if (isAppError(error) && error.code === 'MAILBOX_NOT_FOUND')
      return no(`Mailbox ${name} does not exist`, { name: 'TRYCREATE' });
    throw error;
  }
}

/**
 * COPY and UID COPY (RFC 9051 §6.4.7, UIDPLUS COPYUID); MOVE and UID MOVE
 * (RFC 6851): COPYUID in an untagged OK, then the moved messages' EXPUNGE
 * (or VANISHED under QRESYNC), then the tagged OK. Quota: `NO [OVERQUOTA]`.
 */
export async function copyMoveCommand(
  session: ImapSession,
  input: { command: CommandOf<'COPY' | 'MOVE'> },
): Promise<Completion> {
  const { command } = input;
  const view = session.selected;
  const user = session.user;
  if (!view || !user) throw new Error('COPY without a selected mailbox');
  const move = command.name === 'MOVE';
  if (move && view.readOnly) return no('The mailbox is read-only (EXAMINE)', { name: 'READ-ONLY' });
  const selection = view.resolve(command.set, command.uid);
  const target = await destination(session, user.id, command.mailbox);
  if (!('id' in target)) return target;
  if (selection.count === 0) return ok(`${command.name} completed (no messages)`);
  if (target.id === view.mailboxId) view.dirty = true; // the copies arrive here: EXISTS at the end
  if (!move) {
    const result = await session.store.copyMessages(user.id, view.mailboxId, selection.uids, target.id);
    return result.sourceUids.length > 0 ? ok('COPY completed', copyUid(result)) : ok('COPY completed');
  }
  const result = await session.store.moveMessages(user.id, view.mailboxId, selection.uids, target.id);
  if (result.sourceUids.length === 0) return ok('MOVE completed');
  view.noteOwnChange(result.sourceModseq);
  session.send(statusLine('*', 'OK', 'Moved', copyUid(result)));
  const recentBefore = view.recentCount;
  const removed = view.removeOwn(result.sourceUids);
  if (session.enabled.has('QRESYNC')) {
    if (removed.length > 0)
      session.send(vanishedResponse(formatSequenceSet(removed.map((r) => r.uid)), false));
  } else for (const { seq } of removed) session.send(countResponse(seq, 'EXPUNGE'));
  tellRecentAfterExpunge(session, view, recentBefore);
  return ok('MOVE completed');
}
