import type { ImapCommand, ParseContext } from '../commands.js';
import { parseCommand } from '../parse-command.js';
import { readAll } from './drain.js';

/** Reads one command line (literals as LITERAL+) and parses it. */
export function parseLine(line: string | Buffer, context: ParseContext = { utf8Names: false }): ImapCommand {
  const bytes = Buffer.isBuffer(line) ? line : Buffer.from(line, 'utf8');
  const input = bytes.at(-1) === 0x0a ? bytes : Buffer.concat([bytes, Buffer.from('\r\n')]);
  const events = readAll(input, { maxCommandBytes: 10 * 1024 * 1024 });
  const event = events.find((e) => e.kind === 'command' || e.kind === 'error');
  if (!event) throw new Error(`no command in ${JSON.stringify(line)}`);
  if (event.kind === 'error') throw event.error;
  if (event.kind !== 'command') throw new Error('unreachable');
  return parseCommand(event.command, context);
}

/** The BAD/NO text a line is refused with ('' if it parses). */
export function refusal(line: string, context?: ParseContext): string {
  try {
    parseLine(line, context);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}
