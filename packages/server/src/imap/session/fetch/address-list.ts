import { HeaderLexer } from '../../../mail/index.js';

/** One mailbox of an address header, as ENVELOPE carries it (byte strings; encoded words left encoded). */
export interface ParsedAddress {
  readonly name: string | null;
  readonly route: string | null;
  readonly mailbox: string;
  readonly host: string;
}

/** A group (RFC 5322 §3.4) and its members. */
export interface ParsedGroup {
  readonly group: string;
  readonly members: ParsedAddress[];
}

/** What Dovecot writes for a part an address lacks (`<>`, `nodomain`): clients expect a string there. */
export const MISSING_MAILBOX = 'MISSING_MAILBOX';
export const MISSING_DOMAIN = 'MISSING_DOMAIN';

/**
 * The addresses of an address-list header value (RFC 5322 §3.4): mailboxes
 * and groups, leniently, as an IMAP server must describe what senders
 * really write: a display name from a quoted string, words or (failing
 * those) a comment; `@route,@route:` kept as the source route; a missing
 * local part or domain filled in as Dovecot does.
 */
export function parseAddressList(value: string): Array<ParsedAddress | ParsedGroup> {
  const lexer = new HeaderLexer(value);
  const out: Array<ParsedAddress | ParsedGroup> = [];
  while (!lexer.done) {
    if (lexer.take(',')) continue;
    const start = lexer.pos;
    const phrase = readPhrase(lexer);
    if (phrase !== null && lexer.take(':')) {
      out.push({ group: phrase, members: readMembers(lexer) });
      continue;
    }
    lexer.pos = start;
    lexer.comments = [];
    const address = readMailbox(lexer);
    if (address) out.push(address);
    else lexer.skipPast(',');
  }
  return out;
}

/** Members of a group, up to its `;` (or the end). */
function readMembers(lexer: HeaderLexer): ParsedAddress[] {
  const members: ParsedAddress[] = [];
  while (!lexer.done) {
    if (lexer.take(';')) break;
    if (lexer.take(',')) continue;
    lexer.comments = [];
    const address = readMailbox(lexer);
    if (address) members.push(address);
    else lexer.skipPast(',');
  }
  return members;
}

/** Words and quoted strings joined by one space; null when there are none. */
function readPhrase(lexer: HeaderLexer): string | null {
  const words: string[] = [];
  for (;;) {
    const quoted = lexer.quoted();
    if (quoted !== null) {
      words.push(quoted);
      continue;
    }
    const word = lexer.token('<>,;:@');
    if (!word) break;
    words.push(word);
  }
  return words.length > 0 ? words.join(' ') : null;
}

/** name-addr or addr-spec; null when nothing address-like is there. */
function readMailbox(lexer: HeaderLexer): ParsedAddress | null {
  const phrase = readPhrase(lexer);
  if (lexer.take('<')) {
    const inner = readAngle(lexer);
    return { ...inner, name: phrase ?? commentName(lexer) };
  }
  if (phrase === null && lexer.peek() !== '@') return null;
  // addr-spec: the "phrase" read was the local part (its words joined, as obs-local-part allows).
  const local = phrase ?? '';
  const host = lexer.take('@') ? readDomain(lexer) : '';
  // A comment after an address is its display name when it has no other (RFC 5322 §3.4, obsolete form).
  return {
    name: commentName(lexer),
    route: null,
    mailbox: local.replace(/ /g, '') || MISSING_MAILBOX,
    host: host || MISSING_DOMAIN,
  };
}

/** `[@route,@route:]local@domain>` after the `<`. */
function readAngle(lexer: HeaderLexer): Omit<ParsedAddress, 'name'> {
  let route: string | null = null;
  if (lexer.peek() === '@') {
    const hops: string[] = [];
    while (lexer.take('@')) {
      hops.push(`@${readDomain(lexer)}`);
      if (!lexer.take(',')) break;
    }
    lexer.take(':');
    route = hops.join(',');
  }
  const local = readLocalPart(lexer);
  const host = lexer.take('@') ? readDomain(lexer) : '';
  lexer.skipPast('>');
  return { route, mailbox: local || MISSING_MAILBOX, host: host || MISSING_DOMAIN };
}

/** A local part: dot-atoms and quoted strings (kept quoted, so the address stays one). */
function readLocalPart(lexer: HeaderLexer): string {
  let local = '';
  for (;;) {
    const quoted = lexer.quoted();
    if (quoted !== null) local += `"${quoted.replace(/(["\\])/g, '\\$1')}"`;
    else {
      const atom = lexer.token('<>,;:@');
      if (!atom) break;
      local += atom;
    }
  }
  return local;
}

/** A domain: a dot-atom or a domain literal `[…]`. */
function readDomain(lexer: HeaderLexer): string {
  if (lexer.peek() === '[') {
    const start = lexer.pos;
    lexer.skipPast(']');
    return lexer.text.slice(start, lexer.pos);
  }
  return lexer.token('<>,;:@');
}

function commentName(lexer: HeaderLexer): string | null {
  lexer.skipCfws();
  const comment = lexer.comments.find((c) => c.trim() !== '');
  lexer.comments = [];
  return comment === undefined ? null : comment.trim();
}
