import type { FlagState } from '../../store/index.js';
import { flagNames } from '../../store/index.js';
import {
  atom,
  countResponse,
  fetchResponse,
  formatSequenceSet,
  joinParts,
  type ResponseValue,
  vanishedResponse,
} from '../protocol/index.js';
import { learnKeywords, mailboxFlagLines } from './mailbox-flags.js';
import type { SelectedMailbox, ViewUpdate } from './selected-mailbox.js';
import type { ImapSession } from './session.js';
import type { SessionContext } from './types.js';

/**
 * Brings the selected mailbox's view up to date with the store's journal
 * (`changesSince` from the view's modseq). When the journal no longer
 * reaches that far back (retention), the full UID list decides what is gone.
 * Nothing is sent here: see {@link announceUpdates}.
 */
export async function syncView(session: ImapSession): Promise<void> {
  const view = session.selected;
  const user = session.user;
  if (!view || !user) return;
  view.dirty = false;
  const changes = await session.store.changesSince(user.id, view.mailboxId, view.highestModseq);
  if (changes.uidValidity !== view.uidValidity) {
    // Cannot happen for a mailbox id (UIDVALIDITY belongs to the row), but if it does the view is void.
    return session.bye('Mailbox UIDVALIDITY changed; select it again');
  }
  const misplaced = view.apply(changes);
  if (misplaced.length > 0)
    session.log.warn(
      { mailbox: view.mailboxId, uids: misplaced.slice(0, 10) },
      'imap: journal UIDs out of order',
    );
  if (!changes.expungedComplete) {
    const list = await session.store.loadUidList(user.id, view.mailboxId, { uidsOnly: true });
    view.expungeMissing(list.uids);
  }
}

/**
 * Sends the untagged updates the client may be told now (RFC 9051 §7.5.1):
 * syncs first when the notifier said the mailbox changed; expunges only
 * when `allowExpunge` (as VANISHED once QRESYNC is enabled, RFC 7162 §3.2.10).
 * A mailbox deleted under the session ends it with BYE.
 */
export async function announceUpdates(session: ImapSession, allowExpunge: boolean): Promise<void> {
  const view = session.selected;
  if (!view) return;
  if (view.dirty) {
    try {
      await syncView(session);
    } catch (error) {
      if (isMissingMailbox(error)) return session.bye(`Mailbox ${view.name} was deleted`);
      throw error;
    }
  }
  if (!view.hasUpdates) return;
  const qresync = session.enabled.has('QRESYNC');
  const recentBefore = view.recentCount;
  let recentTold = true;
  for (const update of view.takeUpdates(allowExpunge, qresync)) {
    session.send(encodeUpdate(session, view, update));
    if (update.kind === 'exists' && !session.rev2) session.send(recentUpdate(session, view, update.count));
    if (update.kind === 'exists') recentTold = true;
    else if (update.kind === 'expunge' || update.kind === 'vanished') recentTold = false;
  }
  if (!recentTold) tellRecentAfterExpunge(session, view, recentBefore);
}

/**
 * RFC 3501 §7.3.2: RECENT follows a change of the mailbox's size, so expunges that took messages
 * recent in this session with them are followed by the new count (as Dovecot does), for IMAP4rev1
 * clients; `before` is {@link SelectedMailbox.recentCount} before the expunges.
 */
export function tellRecentAfterExpunge(session: ImapSession, view: SelectedMailbox, before: number): void {
  if (!session.rev2 && view.recentCount !== before) session.send(countResponse(view.recentCount, 'RECENT'));
}

/**
 * New messages told by EXISTS: a read-write session claims those no session
 * claimed before (they are `\Recent` here), then `* n RECENT` (RFC 3501 §7.3.2).
 */
function recentUpdate(session: ImapSession, view: SelectedMailbox, exists: number): Buffer {
  const last = view.uidAt(exists);
  if (!view.readOnly && last > 0) view.addRecent(session.deps.recent.claim(view.mailboxId, last), last);
  return countResponse(view.recentCount, 'RECENT');
}

function isMissingMailbox(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { code?: string }).code === 'MAILBOX_NOT_FOUND'
  );
}

function encodeUpdate(session: ImapSession, _view: SelectedMailbox, update: ViewUpdate): Buffer {
  switch (update.kind) {
    case 'expunge':
      return countResponse(update.seq, 'EXPUNGE');
    case 'vanished':
      return vanishedResponse(formatSequenceSet(update.uids), false);
    case 'exists':
      return countResponse(update.count, 'EXISTS');
    case 'fetch':
      return flagsFetch(session, update.seq, update.state);
  }
}

/**
 * `* n FETCH (UID u FLAGS (...) [MODSEQ (m)])`: an unsolicited flag update
 * (and STORE's and QRESYNC's answers). The UID is always there (RFC 7162
 * §3.2.4 requires it under QRESYNC; every client takes it), MODSEQ once
 * CONDSTORE is on, and `\Recent` for an IMAP4rev1 client when the message is
 * recent in this session. A keyword the session was not told of yet (set by
 * another client) is announced first in `* FLAGS` (RFC 9051 §7.3.5): every
 * path that shows flags goes through here, so none can forget it.
 */
export function flagsFetch(
  session: Pick<SessionContext, 'enabled' | 'encoding' | 'rev2' | 'selected'>,
  seq: number,
  state: FlagState,
): Buffer {
  const names = flagNames(state.flags, state.keywords);
  if (!session.rev2 && session.selected?.isRecent(state.uid)) names.unshift('\\Recent');
  const items: Array<[string, ResponseValue]> = [
    ['UID', state.uid],
    ['FLAGS', names.map(atom)],
  ];
  if (session.enabled.has('CONDSTORE') || session.enabled.has('QRESYNC'))
    items.push(['MODSEQ', [state.modseq]]);
  const response = joinParts(fetchResponse(seq, items, session.encoding));
  const view = session.selected;
  if (!view || !learnKeywords(view, state.keywords)) return response;
  return Buffer.concat([...mailboxFlagLines(view), response]);
}
