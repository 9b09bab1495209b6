import { type Arguments, readNumber } from './arguments.js';
import type {
  ImapCommand,
  ListReturn,
  ListSelection,
  ParseContext,
  QresyncParams,
  StatusItem,
} from './commands.js';
import { ImapProtocolError } from './errors.js';
import { mailboxFromWire } from './mailbox-name.js';
import { parseSequenceSet, type SequenceSet } from './sequence-set.js';

/** Reads a mailbox name (astring) and decodes it for this session. */
export function readMailbox(args: Arguments, context: ParseContext): string {
  return mailboxFromWire(args.astringBytes('a mailbox name'), context.utf8Names);
}

/** SELECT/EXAMINE mailbox [(CONDSTORE | QRESYNC (...))] (RFC 7162 §3.1.8, §3.2.5). */
export function parseSelect(name: 'SELECT' | 'EXAMINE', args: Arguments, context: ParseContext): ImapCommand {
  const mailbox = readMailbox(args, context);
  const params = args.optionalList();
  let condstore = false;
  let qresync: QresyncParams | null = null;
  while (params && !params.done) {
    const param = params.keyword('a select parameter (CONDSTORE or QRESYNC)');
    if (param === 'CONDSTORE') condstore = true;
    else if (param === 'QRESYNC') qresync = readQresync(params.list('the QRESYNC parameters'));
    else throw args.error(`unknown select parameter "${param}"`);
  }
  args.end();
  return { name, mailbox, condstore, qresync };
}

function readQresync(list: Arguments): QresyncParams {
  const uidValidity = readNumber(list, 'a UIDVALIDITY', 1);
  const modseq = readNumber(list, 'a mod-sequence', 1, Number.MAX_SAFE_INTEGER);
  let knownUids: SequenceSet | null = null;
  const next = list.peek();
  if (next?.kind === 'atom')
    knownUids = parseSequenceSet(list.atom('known UIDs'), { allowSaved: false, allowStar: false });
  let sequenceMatch: QresyncParams['sequenceMatch'] = null;
  const match = list.optionalList();
  if (match) {
    const sequences = parseSequenceSet(match.atom('known message numbers'), { allowSaved: false });
    const uids = parseSequenceSet(match.atom('known UIDs'), { allowSaved: false });
    match.end();
    sequenceMatch = { sequences, uids };
  }
  list.end();
  return { uidValidity, modseq, knownUids, sequenceMatch };
}

/** CREATE mailbox [(USE (\Drafts ...))] (RFC 6154 §3). */
export function parseCreate(args: Arguments, context: ParseContext): ImapCommand {
  const mailbox = readMailbox(args, context);
  const params = args.optionalList();
  const specialUse: string[] = [];
  while (params && !params.done) {
    const param = params.keyword('a create parameter (USE)');
    if (param !== 'USE') throw args.error(`unknown create parameter "${param}"`);
    const uses = params.list('the special-use attributes');
    while (!uses.done) {
      const use = uses.atom('a special-use attribute such as \\Drafts');
      if (!/^\\[A-Za-z]+$/.test(use)) throw args.error(`"${use}" is not a special-use attribute`);
      specialUse.push(use);
    }
  }
  args.end();
  return { name: 'CREATE', mailbox, specialUse };
}

const STATUS_ITEMS = new Set<string>([
  'MESSAGES',
  'RECENT',
  'UIDNEXT',
  'UIDVALIDITY',
  'UNSEEN',
  'DELETED',
  'SIZE',
  'HIGHESTMODSEQ',
  'APPENDLIMIT',
  'DELETED-STORAGE',
]);

/** Reads `(item *(SP item))` of STATUS or of LIST's RETURN (STATUS (...)). */
export function readStatusItems(args: Arguments): StatusItem[] {
  const list = args.list('the status items');
  const items: StatusItem[] = [];
  while (!list.done) {
    const item = list.keyword('a status item');
    if (!STATUS_ITEMS.has(item)) throw args.error(`unknown status item "${item}"`);
    if (!items.includes(item as StatusItem)) items.push(item as StatusItem);
  }
  if (items.length === 0) throw args.error('the list of status items is empty');
  return items;
}

/** STATUS mailbox (items). */
export function parseStatus(args: Arguments, context: ParseContext): ImapCommand {
  const mailbox = readMailbox(args, context);
  const items = readStatusItems(args);
  args.end();
  return { name: 'STATUS', mailbox, items };
}

/** LIST [(selection)] reference (pattern | (patterns)) [RETURN (...)] and LSUB reference pattern (RFC 5258). */
export function parseList(name: 'LIST' | 'LSUB', args: Arguments, context: ParseContext): ImapCommand {
  const selectionList = name === 'LIST' ? args.optionalList() : null;
  const selection = readSelection(args, selectionList);
  const reference = readPattern(args, context);
  const many = name === 'LIST' ? args.optionalList() : null;
  const read: (string | null)[] = [];
  if (many) {
    while (!many.done) read.push(readPattern(many, context));
    if (read.length === 0) throw args.error('the list of patterns is empty');
  } else read.push(readPattern(args, context));
  // A reference or pattern that names no possible mailbox matches nothing: LIST answers OK, empty.
  const patterns = reference === null ? [] : read.filter((p): p is string => p !== null);
  const returnGiven = name === 'LIST' && args.takeKeyword('RETURN');
  const returns = readListReturn(args, returnGiven ? args.list('the RETURN options') : null);
  args.end();
  const extended = selectionList !== null || many !== null || returnGiven;
  return { name, reference: reference ?? '', patterns, selection, returns, extended };
}

/** A LIST reference or pattern; null when it is no valid name (bad modified UTF-7), so matches nothing. */
function readPattern(args: Arguments, context: ParseContext): string | null {
  try {
    return readMailbox(args, context);
  } catch (error) {
    if (error instanceof ImapProtocolError && error.status === 'NO') return null;
    throw error;
  }
}

function readSelection(args: Arguments, list: Arguments | null): ListSelection {
  const selection = { subscribed: false, remote: false, recursiveMatch: false, specialUse: false };
  while (list && !list.done) {
    const option = list.keyword('a selection option');
    if (option === 'SUBSCRIBED') selection.subscribed = true;
    else if (option === 'REMOTE') selection.remote = true;
    else if (option === 'RECURSIVEMATCH') selection.recursiveMatch = true;
    else if (option === 'SPECIAL-USE') selection.specialUse = true;
    else throw args.error(`unknown selection option "${option}"`);
  }
  // RFC 5258 §3.1: RECURSIVEMATCH needs a base option to modify.
  if (selection.recursiveMatch && !selection.subscribed && !selection.specialUse) {
    throw args.error('RECURSIVEMATCH needs SUBSCRIBED or SPECIAL-USE');
  }
  return selection;
}

function readListReturn(args: Arguments, list: Arguments | null): ListReturn {
  const returns = {
    subscribed: false,
    children: false,
    specialUse: false,
    status: null as StatusItem[] | null,
  };
  while (list && !list.done) {
    const option = list.keyword('a return option');
    if (option === 'SUBSCRIBED') returns.subscribed = true;
    else if (option === 'CHILDREN') returns.children = true;
    else if (option === 'SPECIAL-USE') returns.specialUse = true;
    else if (option === 'STATUS') returns.status = readStatusItems(list);
    else throw args.error(`unknown return option "${option}"`);
  }
  return returns;
}
