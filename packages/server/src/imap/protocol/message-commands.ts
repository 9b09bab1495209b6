import { type Arguments, readNumber } from './arguments.js';
import type { ImapCommand, ParseContext } from './commands.js';
import { readFetchAttributes, readFetchModifiers } from './fetch-attributes.js';
import { readFlag, readFlagList } from './flags.js';
import { readMailbox } from './mailbox-commands.js';
import { readSearchProgram, readSort, readThread } from './search-program.js';
import { parseSequenceSet, type SequenceSet } from './sequence-set.js';

/** Reads a sequence set (or `$`). */
export function readSequenceSet(args: Arguments, what = 'a sequence set'): SequenceSet {
  return parseSequenceSet(args.atom(what));
}

/** [UID] FETCH set items [(CHANGEDSINCE n [VANISHED])] */
export function parseFetch(args: Arguments, uid: boolean): ImapCommand {
  const set = readSequenceSet(args);
  const { macro, attributes } = readFetchAttributes(args);
  const { changedSince, vanished } = readFetchModifiers(args, uid);
  args.end();
  return { name: 'FETCH', uid, set, macro, attributes, changedSince, vanished };
}

/** [UID] STORE set [(UNCHANGEDSINCE n)] (+|-)FLAGS[.SILENT] (flags | flag ...) — RFC 9051 §6.4.6, RFC 7162 §3.1.3. */
export function parseStore(args: Arguments, uid: boolean): ImapCommand {
  const set = readSequenceSet(args);
  const modifiers = args.optionalList();
  let unchangedSince: number | null = null;
  while (modifiers && !modifiers.done) {
    const name = modifiers.keyword('a store modifier (UNCHANGEDSINCE)');
    if (name !== 'UNCHANGEDSINCE') throw args.error(`unknown store modifier "${name}"`);
    unchangedSince = readNumber(modifiers, 'a mod-sequence', 0, Number.MAX_SAFE_INTEGER);
  }
  const item = args.keyword('+FLAGS, -FLAGS or FLAGS');
  const m = /^([+-]?)FLAGS(\.SILENT)?$/.exec(item);
  if (!m) throw args.error(`expected +FLAGS, -FLAGS or FLAGS (optionally .SILENT), got "${item}"`);
  const action = m[1] === '+' ? 'add' : m[1] === '-' ? 'remove' : 'set';
  let flags: string[];
  if (args.peek()?.kind === 'list') flags = readFlagList(args);
  else {
    flags = [];
    do flags.push(readFlag(args));
    while (!args.done);
  }
  args.end();
  return {
    name: 'STORE',
    uid,
    set,
    action,
    silent: m[2] !== undefined,
    flags: [...new Set(flags)],
    unchangedSince,
  };
}

/** [UID] COPY|MOVE set mailbox (RFC 9051 §6.4.7, RFC 6851). */
export function parseCopy(
  name: 'COPY' | 'MOVE',
  args: Arguments,
  uid: boolean,
  context: ParseContext,
): ImapCommand {
  const set = readSequenceSet(args);
  const mailbox = readMailbox(args, context);
  args.end();
  return { name, uid, set, mailbox };
}

/** EXPUNGE, or UID EXPUNGE set (RFC 4315 §2.1). */
export function parseExpunge(args: Arguments, uid: boolean): ImapCommand {
  if (!uid) {
    args.end();
    return { name: 'EXPUNGE' };
  }
  const set = readSequenceSet(args, 'a UID set');
  args.end();
  return { name: 'UID EXPUNGE', set };
}

/** [UID] SEARCH, SORT, THREAD. */
export function parseSearchFamily(
  name: 'SEARCH' | 'SORT' | 'THREAD',
  args: Arguments,
  uid: boolean,
): ImapCommand {
  if (name === 'SEARCH') return { name, uid, program: readSearchProgram(args) };
  if (name === 'SORT') return { name, uid, ...readSort(args) };
  return { name, uid, ...readThread(args) };
}
