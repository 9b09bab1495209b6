/**
 * POP3 on the wire, knowing nothing of jdmail: command lines in (bounded
 * length), commands parsed, responses out (status lines, multi-line
 * responses with dot-stuffing, SASL continuations), TOP's cut of a message,
 * and SASL PLAIN. Pure: imports nothing of ours.
 */
export {
  type Command,
  type CommandError,
  parseCommand,
  parseLineCount,
  parseMessageNumber,
} from './command.js';
export { DotStuffer, DotUnstuffer, type Unstuffed } from './dot-stuff.js';
export { type LineEvent, LineReader } from './line-reader.js';
export { continuation, err, multiLine, ok, type ResponseCode } from './response.js';
export { decodePlain, type PlainCredentials } from './sasl-plain.js';
export { TopFilter, type TopOutput } from './top.js';
