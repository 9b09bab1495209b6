import type { FetchAttribute, FetchMacro } from './fetch-attributes.js';
import type { SearchProgram, SortCriterion } from './search-program.js';
import type { SequenceSet } from './sequence-set.js';
import type { LiteralSink } from './tokens.js';

/** Commands without arguments. */
export type BareCommandName =
  | 'CAPABILITY'
  | 'NOOP'
  | 'LOGOUT'
  | 'STARTTLS'
  | 'CHECK'
  | 'CLOSE'
  | 'UNSELECT'
  | 'IDLE'
  | 'NAMESPACE'
  | 'EXPUNGE';

/** STATUS data items (RFC 9051 §6.3.11; RECENT RFC 3501; HIGHESTMODSEQ RFC 7162; APPENDLIMIT RFC 7889; DELETED-STORAGE RFC 9208). */
export type StatusItem =
  | 'MESSAGES'
  | 'RECENT'
  | 'UIDNEXT'
  | 'UIDVALIDITY'
  | 'UNSEEN'
  | 'DELETED'
  | 'SIZE'
  | 'HIGHESTMODSEQ'
  | 'APPENDLIMIT'
  | 'DELETED-STORAGE';

/** QRESYNC parameters of SELECT/EXAMINE (RFC 7162 §3.2.5). */
export interface QresyncParams {
  readonly uidValidity: number;
  readonly modseq: number;
  readonly knownUids: SequenceSet | null;
  /** Message numbers and the UIDs the client believes they have. */
  readonly sequenceMatch: { readonly sequences: SequenceSet; readonly uids: SequenceSet } | null;
}

/** LIST selection options (RFC 5258 §3.1, RFC 6154 §5.1). */
export interface ListSelection {
  readonly subscribed: boolean;
  readonly remote: boolean;
  readonly recursiveMatch: boolean;
  readonly specialUse: boolean;
}

/** LIST return options (RFC 5258 §3.2, RFC 5819, RFC 6154). */
export interface ListReturn {
  readonly subscribed: boolean;
  readonly children: boolean;
  readonly specialUse: boolean;
  /** STATUS items to return for each listed mailbox (LIST-STATUS), or null. */
  readonly status: readonly StatusItem[] | null;
}

/** The bytes of one APPEND message: in memory, or streamed into the session's sink. */
export type AppendData =
  | { readonly kind: 'buffer'; readonly bytes: Buffer; readonly binary: boolean }
  | { readonly kind: 'stream'; readonly sink: LiteralSink; readonly size: number; readonly binary: boolean };

/** One message of APPEND (several with MULTIAPPEND, RFC 3502). */
export interface AppendMessage {
  readonly flags: readonly string[];
  /** The internal date given by the client, or null (the server uses now). */
  readonly date: Date | null;
  readonly data: AppendData;
  /** True for `UTF8 (~{n})` (RFC 6855 §4): the message may have raw UTF-8 headers. */
  readonly utf8: boolean;
}

/** An ID parameter list (RFC 2971): null for `ID NIL`. */
export type IdParams = ReadonlyArray<readonly [string, string | null]> | null;

/** Every command the protocol layer parses, by name. Mailbox names are store names (UTF-8, INBOX upper case). */
export type ImapCommand =
  | { readonly name: BareCommandName }
  | { readonly name: 'LOGIN'; readonly username: string; readonly password: string }
  | { readonly name: 'AUTHENTICATE'; readonly mechanism: string; readonly initialResponse: Buffer | null }
  | { readonly name: 'ENABLE'; readonly capabilities: readonly string[] }
  | { readonly name: 'ID'; readonly params: IdParams }
  | { readonly name: 'COMPRESS'; readonly algorithm: string }
  | {
      readonly name: 'SELECT' | 'EXAMINE';
      readonly mailbox: string;
      readonly condstore: boolean;
      readonly qresync: QresyncParams | null;
    }
  | { readonly name: 'CREATE'; readonly mailbox: string; readonly specialUse: readonly string[] }
  | { readonly name: 'DELETE' | 'SUBSCRIBE' | 'UNSUBSCRIBE' | 'GETQUOTAROOT'; readonly mailbox: string }
  | { readonly name: 'RENAME'; readonly from: string; readonly to: string }
  | { readonly name: 'STATUS'; readonly mailbox: string; readonly items: readonly StatusItem[] }
  | {
      readonly name: 'LIST' | 'LSUB';
      readonly reference: string;
      readonly patterns: readonly string[];
      readonly selection: ListSelection;
      readonly returns: ListReturn;
      /** True when the LIST-EXTENDED syntax was used (selection, several patterns or RETURN). */
      readonly extended: boolean;
    }
  | { readonly name: 'APPEND'; readonly mailbox: string; readonly messages: readonly AppendMessage[] }
  | { readonly name: 'GETQUOTA'; readonly root: string }
  | {
      readonly name: 'SETQUOTA';
      readonly root: string;
      readonly limits: ReadonlyArray<readonly [string, number]>;
    }
  | {
      readonly name: 'FETCH';
      readonly uid: boolean;
      readonly set: SequenceSet;
      readonly macro: FetchMacro | null;
      readonly attributes: readonly FetchAttribute[];
      readonly changedSince: number | null;
      readonly vanished: boolean;
    }
  | {
      readonly name: 'STORE';
      readonly uid: boolean;
      readonly set: SequenceSet;
      readonly action: 'set' | 'add' | 'remove';
      readonly silent: boolean;
      readonly flags: readonly string[];
      readonly unchangedSince: number | null;
    }
  | {
      readonly name: 'COPY' | 'MOVE';
      readonly uid: boolean;
      readonly set: SequenceSet;
      readonly mailbox: string;
    }
  | { readonly name: 'UID EXPUNGE'; readonly set: SequenceSet }
  | { readonly name: 'SEARCH'; readonly uid: boolean; readonly program: SearchProgram }
  | {
      readonly name: 'SORT';
      readonly uid: boolean;
      readonly criteria: readonly SortCriterion[];
      readonly program: SearchProgram;
    }
  | {
      readonly name: 'THREAD';
      readonly uid: boolean;
      readonly algorithm: string;
      readonly program: SearchProgram;
    };

/** How arguments are read in this session. */
export interface ParseContext {
  /**
   * Mailbox names are UTF-8 on the wire, not modified UTF-7: true once the
   * client sent ENABLE UTF8=ACCEPT (RFC 6855 §3) or ENABLE IMAP4rev2 (RFC
   * 9051 §5.1, Appendix A.1: modified UTF-7 is only for IMAP4rev1 clients).
   */
  readonly utf8Names: boolean;
}
