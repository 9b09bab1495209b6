/**
 * The IMAP protocol layer: pure, it imports nothing of ours. Storage, state
 * and policy (which commands a state allows, what a mailbox holds) belong to
 * the session; this layer reads commands and writes answers.
 *
 * How a session uses it:
 *
 * ```ts
 * const reader = new CommandReader({
 *   maxNonSyncLiteral: Infinity, // LITERAL+ advertised (4096 for LITERAL-)
 *   literalPolicy: createLiteralPolicy({
 *     maxLiteralBytes: 64 * 1024,
 *     appendLimit: config.messageSizeLimit, // APPENDLIMIT
 *     openAppendSink: (request) => store.openIncomingBlob(request.size), // a LiteralSink
 *   }),
 * });
 * socket.on('data', (chunk) => {
 *   reader.push(chunk);
 *   if (reader.bufferedBytes > 1024 * 1024) socket.pause(); // resume once drained
 *   void pump();
 * });
 * async function pump() {              // one at a time: commands run in order
 *   for (let event = reader.next(); event; event = reader.next()) {
 *     switch (event.kind) {
 *       case 'continue': socket.write(continuation()); break;       // a {n} literal was accepted
 *       case 'error': socket.write(refusalLine(event.tag, event.error)); // BAD/NO [TOOBIG] …
 *         if (event.fatal) return close(); break;
 *       case 'command': {
 *         let command: ImapCommand;
 *         try { command = parseCommand(event.command, { utf8Names }); }
 *         catch (e) { abortSinks(event.command.sinks); socket.write(refusalLine(event.command.tag, e)); break; }
 *         await handlers[command.name](command);  // IDLE: reader.startIdle(); AUTHENTICATE: reader.expectLine()
 *         break;
 *       }
 *       case 'idle-end': …; case 'line': …;
 *     }
 *   }
 * }
 * ```
 *
 * Answers are built with {@link statusLine}, {@link fetchResponse},
 * {@link listResponse} and the other encoders; values are
 * {@link ResponseValue}s, and a body streamed from the store is a
 * {@link StreamedValue} the session pipes between the encoded buffers.
 */
export { Arguments, describeToken, parseDecimal } from './arguments.js';
export type { BodySection, FetchPartial, SectionText } from './body-section.js';
export { formatBodySection } from './body-section.js';
export type { MimeParameters, MimePart } from './body-structure.js';
export { bodyStructureValue } from './body-structure.js';
export type { CommandReaderOptions, ReaderEvent } from './command-reader.js';
export { CommandReader } from './command-reader.js';
export type {
  AppendData,
  AppendMessage,
  BareCommandName,
  IdParams,
  ImapCommand,
  ListReturn,
  ListSelection,
  ParseContext,
  QresyncParams,
  StatusItem,
} from './commands.js';
export type { CompressionOptions } from './compress.js';
export { DeflateChannel } from './compress.js';
export type { EsearchData, ListEntry, Namespace, QuotaResource, ThreadNode } from './data-responses.js';
export {
  capabilityResponse,
  countResponse,
  esearchResponse,
  fetchResponse,
  flagsResponse,
  idResponse,
  listResponse,
  mailboxStatusResponse,
  mailboxValue,
  namespaceResponse,
  quotaResponse,
  quotaRootResponse,
  searchResponse,
  threadResponse,
  untagged,
  untaggedParts,
  vanishedResponse,
} from './data-responses.js';
export type { SearchDate } from './date-time.js';
export { formatDateTime, parseDateTime, parseSearchDate } from './date-time.js';
export type { Envelope, EnvelopeAddress, EnvelopeGroup, EnvelopeRecipients } from './envelope.js';
export { envelopeValue } from './envelope.js';
export type { RefusalStatus } from './errors.js';
export { ImapProtocolError, limitError, syntaxError, tooBigError } from './errors.js';
export type { FetchAttribute, FetchMacro, SimpleFetchItem } from './fetch-attributes.js';
export { fetchResponseName, fetchSetsSeen } from './fetch-attributes.js';
export { isAtom, normalizeFlag, SYSTEM_FLAGS } from './flags.js';
export type {
  LiteralDecision,
  LiteralPolicy,
  LiteralPolicyOptions,
  LiteralRequest,
} from './literal-policy.js';
export { createLiteralPolicy } from './literal-policy.js';
export { decodeModifiedUtf7, encodeModifiedUtf7, mailboxFromWire, mailboxToWire } from './mailbox-name.js';
export { KNOWN_COMMANDS, parseCommand } from './parse-command.js';
export type { ResponseCode } from './response-code.js';
export { formatResponseCode } from './response-code.js';
export type {
  AtomValue,
  ConcatValue,
  EncodeOptions,
  LiteralValue,
  MailboxEncodeOptions,
  ResponseValue,
  StreamedValue,
} from './response-value.js';
export { atom } from './response-value.js';
export type { ResponsePart } from './response-writer.js';
export { joinParts, ResponseWriter } from './response-writer.js';
export type {
  DateSearchKey,
  FlagSearchKey,
  ModseqEntry,
  SearchKey,
  TextSearchKey,
} from './search-keys.js';
export type { SearchProgram, SearchReturn, SortCriterion, SortKey } from './search-program.js';
export type { SeqNumber, SeqRange, SequenceSet } from './sequence-set.js';
export {
  formatRanges,
  formatSequenceSet,
  inRanges,
  parseSequenceSet,
  resolveSequenceSet,
} from './sequence-set.js';
export { decodeSaslResponse } from './session-commands.js';
export type { Condition } from './status-responses.js';
export { continuation, refusalLine, saslChallenge, statusLine } from './status-responses.js';
export type {
  AtomToken,
  ListToken,
  LiteralSink,
  LiteralToken,
  QuotedToken,
  RawCommand,
  Token,
} from './tokens.js';
export { tokenText } from './tokens.js';
