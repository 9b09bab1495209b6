import type { Arguments } from './arguments.js';
import type { AppendData, AppendMessage, ImapCommand, ParseContext } from './commands.js';
import { parseDateTime } from './date-time.js';
import { readFlagList } from './flags.js';
import { readMailbox } from './mailbox-commands.js';
import type { LiteralToken, Token } from './tokens.js';

/**
 * APPEND mailbox 1*([SP flag-list] [SP date-time] SP (literal / literal8 /
 * "UTF8" SP "(" literal8 ")")) — RFC 9051 §6.3.12, MULTIAPPEND (RFC 3502),
 * BINARY (RFC 3516), UTF8=ACCEPT (RFC 6855 §4).
 */
export function parseAppend(args: Arguments, context: ParseContext): ImapCommand {
  const mailbox = readMailbox(args, context);
  const messages: AppendMessage[] = [];
  do messages.push(readMessage(args));
  while (!args.done);
  return { name: 'APPEND', mailbox, messages };
}

function readMessage(args: Arguments): AppendMessage {
  const flags = args.peek()?.kind === 'list' ? readFlagList(args) : [];
  let date: Date | null = null;
  if (args.peek()?.kind === 'quoted') {
    const text = args.string('a date-time').value?.toString('latin1') ?? '';
    date = parseDateTime(text)?.date ?? null;
    if (!date)
      throw args.error(
        `invalid date-time "${text.slice(0, 40)}": expected e.g. "06-Dec-2026 10:00:00 +0000"`,
      );
  }
  const token = args.next('the message as a literal');
  if (token.kind === 'literal') return { flags, date, data: appendData(token), utf8: false };
  if (token.kind === 'atom' && token.value.toUpperCase() === 'UTF8') {
    const inner = args.list('(literal8) after UTF8');
    const literal = inner.next('a literal8');
    inner.end();
    if (literal.kind !== 'literal' || !literal.binary)
      throw args.error('UTF8 must be followed by (~{n}) with a literal8');
    return { flags, date, data: appendData(literal), utf8: true };
  }
  throw args.error(`expected the message as a literal, got ${describe(token)}`);
}

function appendData(token: LiteralToken): AppendData {
  if (token.sink) return { kind: 'stream', sink: token.sink, size: token.size, binary: token.binary };
  return { kind: 'buffer', bytes: token.value ?? Buffer.alloc(0), binary: token.binary };
}

function describe(token: Token): string {
  return token.kind === 'atom'
    ? `"${token.value.slice(0, 40)}"`
    : token.kind === 'list'
      ? 'a list'
      : 'a quoted string';
}
