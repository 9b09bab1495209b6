import { MAILBOX_DELIMITER, type Mailbox } from '../../store/index.js';
import {
  type ListEntry,
  listResponse,
  mailboxStatusResponse,
  type ResponseValue,
} from '../protocol/index.js';
import { mailboxMatcher, parentsOf } from './mailbox-pattern.js';
import type { CommandOf } from './registry.js';
import type { ImapSession } from './session.js';
import { statusValues } from './status.js';
import { ok } from './types.js';

type ListCommand = CommandOf<'LIST'>;

/** One name LIST may report, with what is known of it. */
interface Candidate {
  name: string;
  mailbox: Mailbox | null;
  subscribed: boolean;
}

/**
 * LIST (RFC 9051 §6.3.9) with LIST-EXTENDED (RFC 5258), LIST-STATUS (RFC
 * 5819), SPECIAL-USE (RFC 6154) and CHILDREN (RFC 3348); LSUB (RFC 3501
 * §6.3.9). Child and special-use attributes are always sent: clients find
 * Sent, Drafts, Junk and Trash by them, not by name. No `\Noselect`
 * mailbox ever exists (the store creates parents as real mailboxes), so
 * Outlook never meets one.
 */
export async function listCommand(session: ImapSession, input: { command: ListCommand }) {
  const { command } = input;
  const user = session.user;
  if (!user) throw new Error('LIST before login');
  if (command.patterns.length === 1 && command.patterns[0] === '' && command.name === 'LIST') {
    // RFC 9051 §6.3.9: an empty pattern asks for the delimiter and the root.
    session.send(
      listResponse({ name: '', attributes: ['\\Noselect'], delimiter: MAILBOX_DELIMITER }, session.encoding),
    );
    return ok('LIST completed');
  }
  const mailboxes = await session.store.listMailboxes(user.id);
  const wantsSubscriptions =
    command.name === 'LSUB' || command.selection.subscribed || command.returns.subscribed;
  const subscribed = new Set(wantsSubscriptions ? await session.store.listSubscriptions(user.id) : []);
  const matchers = command.patterns.map((p) => mailboxMatcher(command.reference, p));
  const matches = (name: string) => matchers.some((m) => m(name));
  if (command.name === 'LSUB') return lsub(session, mailboxes, subscribed, matches);

  const byName = new Map(mailboxes.map((m) => [m.name, m]));
  const candidates: Candidate[] = mailboxes.map((m) => ({
    name: m.name,
    mailbox: m,
    subscribed: subscribed.has(m.name),
  }));
  if (command.selection.subscribed)
    for (const name of subscribed)
      if (!byName.has(name)) candidates.push({ name, mailbox: null, subscribed: true });
  const names = mailboxes.map((m) => m.name);
  for (const candidate of candidates) {
    const entry = listEntry(command, candidate, names, subscribed, matches);
    if (!entry) continue;
    session.send(listResponse(entry, session.encoding));
    if (command.returns.status && candidate.mailbox) {
      const values = await statusValues(session, candidate.mailbox, command.returns.status);
      session.send(mailboxStatusResponse(candidate.name, values, session.encoding));
    }
  }
  return ok(`${command.name} completed`);
}

/** The LIST line of one candidate, or null when the selection leaves it out. */
function listEntry(
  command: ListCommand,
  candidate: Candidate,
  names: readonly string[],
  subscribed: ReadonlySet<string>,
  matches: (name: string) => boolean,
): ListEntry | null {
  const { selection, returns } = command;
  const { mailbox } = candidate;
  const prefix = candidate.name + MAILBOX_DELIMITER;
  const hasChildren = names.some((n) => n.startsWith(prefix));
  const selected = selection.subscribed
    ? candidate.subscribed
    : selection.specialUse
      ? !!mailbox?.specialUse
      : true;
  // RFC 5258 §3.5: a matching name the selection leaves out is still listed, with CHILDINFO, when
  // a descendant meets the selection but is not listed itself (it does not match the patterns).
  const childInfo =
    !selected &&
    selection.recursiveMatch &&
    selection.subscribed &&
    [...subscribed].some((n) => n.startsWith(prefix) && !matches(n));
  if (!matches(candidate.name) || (!selected && !childInfo)) return null;
  const attributes: string[] = [];
  if (!mailbox) attributes.push('\\NonExistent');
  else attributes.push(hasChildren ? '\\HasChildren' : '\\HasNoChildren');
  if (mailbox?.specialUse) attributes.push(mailbox.specialUse);
  if ((returns.subscribed || selection.subscribed) && candidate.subscribed) attributes.push('\\Subscribed');
  const extended: Array<readonly [string, ResponseValue]> = [];
  if (childInfo) extended.push(['CHILDINFO', ['SUBSCRIBED']]);
  return { name: candidate.name, attributes, delimiter: MAILBOX_DELIMITER, extended };
}

/**
 * LSUB (RFC 3501 §6.3.9): subscribed names that match; a `%` that stops at
 * an unsubscribed parent of a subscribed name lists that parent `\Noselect`.
 * When the subscribed name matches itself (`*`), its unsubscribed parents are
 * not listed: they are not subscribed (Dovecot answers the same).
 */
function lsub(
  session: ImapSession,
  mailboxes: readonly Mailbox[],
  subscribed: ReadonlySet<string>,
  matches: (name: string) => boolean,
) {
  const sent = new Set<string>();
  const existing = new Set(mailboxes.map((m) => m.name));
  for (const name of [...subscribed].sort()) {
    if (matches(name) && !sent.has(name)) {
      sent.add(name);
      const attributes = existing.has(name) ? [] : ['\\Noselect'];
      session.send(
        listResponse({ name, attributes, delimiter: MAILBOX_DELIMITER }, session.encoding, 'LSUB'),
      );
    }
    if (matches(name)) continue;
    for (const parent of parentsOf(name)) {
      if (sent.has(parent) || subscribed.has(parent) || !matches(parent)) continue;
      sent.add(parent);
      session.send(
        listResponse(
          { name: parent, attributes: ['\\Noselect'], delimiter: MAILBOX_DELIMITER },
          session.encoding,
          'LSUB',
        ),
      );
    }
  }
  return ok('LSUB completed');
}
