import { FLAG, type Mailbox } from '../../store/index.js';
import {
  countResponse,
  formatRanges,
  listResponse,
  type QresyncParams,
  resolveSequenceSet,
  statusLine,
  vanishedResponse,
} from '../protocol/index.js';
import { mailboxFlagLines } from './mailbox-flags.js';
import type { CommandOf } from './registry.js';
import { SelectedMailbox } from './selected-mailbox.js';
import type { ImapSession } from './session.js';
import { bad, type Completion, ok } from './types.js';
import { flagsFetch } from './updates.js';

/** Up to this many messages SELECT also reads flags, for the keywords in FLAGS; past it only UIDs (4 bytes each). */
const FULL_LOAD_MAX = 100_000;

/**
 * SELECT and EXAMINE (RFC 9051 §6.3.2-3) with CONDSTORE (RFC 7162 §3.1.8)
 * and QRESYNC (§3.2.5: VANISHED (EARLIER) and the changed flags since the
 * client's modseq). The view is the UID list (see SelectedMailbox), made
 * exact by replaying the journal from the list's HIGHESTMODSEQ.
 */
export async function selectCommand(
  session: ImapSession,
  input: { command: CommandOf<'SELECT' | 'EXAMINE'> },
): Promise<Completion> {
  const { command } = input;
  const user = session.user;
  if (!user) throw new Error('SELECT before login');
  if (command.qresync && !session.enabled.has('QRESYNC'))
    return bad('QRESYNC parameter given but QRESYNC is not enabled (ENABLE QRESYNC first)');
  if (session.selected) {
    session.selected = null;
    session.state = 'authenticated';
    // RFC 7162 §3.2.11 / RFC 9051 §7.1: the previous mailbox is closed from here on.
    session.send(statusLine('*', 'OK', 'Previous mailbox is now closed', { name: 'CLOSED' }));
  }
  if (command.condstore) session.enableCondstore();
  const mailbox = await session.store.getMailbox(user.id, command.mailbox);
  const { view, firstUnseen } = await loadView(session, user.id, mailbox, command.name === 'EXAMINE');
  sendSelectResponses(session, view, mailbox, firstUnseen);
  if (command.qresync && command.qresync.uidValidity === view.uidValidity)
    await sendQresync(session, user.id, view, command.qresync);
  session.selected = view;
  session.state = 'selected';
  const code = view.readOnly ? 'READ-ONLY' : 'READ-WRITE';
  return ok(`${command.name} completed`, { name: code });
}

/** The view, and the UID of the first message without `\Seen` when the flags were read (0: none or unknown). */
async function loadView(
  session: ImapSession,
  userId: string,
  mailbox: Mailbox,
  readOnly: boolean,
): Promise<{ view: SelectedMailbox; firstUnseen: number }> {
  const list = await session.store.loadUidList(userId, mailbox.id, {
    uidsOnly: mailbox.total > FULL_LOAD_MAX,
  });
  const view = new SelectedMailbox({
    mailboxId: mailbox.id,
    name: mailbox.name,
    readOnly,
    uidValidity: list.uidValidity,
    uidNext: list.uidNext,
    highestModseq: list.highestModseq,
    uids: list.uids,
    keywords: list.keywordsInUse,
  });
  // The pages were not one snapshot: the journal from the list's modseq makes the view exact.
  view.apply(await session.store.changesSince(userId, mailbox.id, list.highestModseq));
  view.takeUpdates(true, false);
  // RFC 3501 §6.3.1-2: SELECT claims the recent messages; EXAMINE shows them without claiming.
  const { recent } = session.deps;
  const floor = readOnly ? recent.floor(mailbox.id) : recent.claim(mailbox.id, view.lastUid);
  view.addRecent(floor, view.lastUid);
  const unseenAt =
    list.flags.length > 0 && mailbox.unread > 0 ? list.flags.findIndex((f) => !(f & FLAG.seen)) : -1;
  return { view, firstUnseen: unseenAt >= 0 ? (list.uids[unseenAt] as number) : 0 };
}

/** RFC 9051 §6.3.2 (and RFC 3501 §6.3.1 for rev1 clients), RFC 7162 §3.1.2.1 HIGHESTMODSEQ. */
function sendSelectResponses(
  session: ImapSession,
  view: SelectedMailbox,
  mailbox: Mailbox,
  firstUnseen: number,
): void {
  session.send(countResponse(view.exists, 'EXISTS'));
  if (!session.rev2) session.send(countResponse(view.recentCount, 'RECENT'));
  for (const line of mailboxFlagLines(view)) session.send(line);
  // RFC 3501 §6.3.1 (gone in rev2): the first unseen message, when the flags were read (not for huge mailboxes).
  const unseenSeq = firstUnseen > 0 ? view.seqOf(firstUnseen) : 0;
  if (!session.rev2 && unseenSeq > 0)
    session.send(statusLine('*', 'OK', 'First unseen', { name: 'UNSEEN', args: [String(unseenSeq)] }));
  session.send(
    statusLine('*', 'OK', 'UIDs valid', { name: 'UIDVALIDITY', args: [String(view.uidValidity)] }),
  );
  session.send(
    statusLine('*', 'OK', 'Predicted next UID', { name: 'UIDNEXT', args: [String(view.uidNext)] }),
  );
  session.send(
    statusLine('*', 'OK', 'Highest', { name: 'HIGHESTMODSEQ', args: [String(view.highestModseq)] }),
  );
  if (session.rev2) {
    const attributes = mailbox.specialUse ? [mailbox.specialUse] : [];
    session.send(listResponse({ name: mailbox.name, attributes, delimiter: '/' }, session.encoding));
  }
}

/**
 * RFC 7162 §3.2.5.2: what the client missed since its modseq: the UIDs it
 * knew that are gone (VANISHED (EARLIER); every known UID missing from the
 * mailbox when the journal was pruned past that modseq), then the messages
 * changed or added since (FETCH with UID, FLAGS and MODSEQ).
 */
async function sendQresync(
  session: ImapSession,
  userId: string,
  view: SelectedMailbox,
  params: QresyncParams,
): Promise<void> {
  const changes = await session.store.changesSince(userId, view.mailboxId, params.modseq);
  const known =
    params.knownUids?.kind === 'ranges' ? resolveSequenceSet(params.knownUids.ranges, view.lastUid) : null;
  const inKnown = (uid: number) => known === null || known.some(([a, b]) => uid >= a && uid <= b);
  let vanished: Array<[number, number]>;
  if (changes.expungedComplete) {
    vanished = toRanges(changes.expunged.map((e) => e.uid).filter(inKnown));
  } else {
    vanished = missingFrom(view, known ?? [[1, Math.max(view.lastUid, view.uidNext - 1)]]);
  }
  if (vanished.length > 0) session.send(vanishedResponse(formatRanges(vanished), true));
  for (const state of changes.changed) {
    const seq = view.seqOf(state.uid);
    if (seq > 0) session.send(flagsFetch(session, seq, state));
  }
}

/** Sorted, merged ranges of `uids`. */
function toRanges(uids: readonly number[]): Array<[number, number]> {
  const sorted = [...uids].sort((a, b) => a - b);
  const ranges: Array<[number, number]> = [];
  for (const uid of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && uid <= last[1] + 1) last[1] = Math.max(last[1], uid);
    else ranges.push([uid, uid]);
  }
  return ranges;
}

/** The parts of `ranges` (UIDs the client may know) holding no message of the view. */
function missingFrom(
  view: SelectedMailbox,
  ranges: ReadonlyArray<readonly [number, number]>,
): Array<[number, number]> {
  const missing: Array<[number, number]> = [];
  for (const [from, to] of ranges) {
    let next = from;
    for (let seq = Math.max(1, view.seqAtOrAfter(from)); seq <= view.exists; seq++) {
      const uid = view.uidAt(seq);
      if (uid > to) break;
      if (uid > next) missing.push([next, uid - 1]);
      next = uid + 1;
    }
    if (next <= to) missing.push([next, to]);
  }
  return missing;
}
