import type { AuthResult } from './schema.js';

/**
 * What the pipeline knows about a message when rules run: the envelope,
 * the header, the size, the attachments, the authentication results, the
 * spam score and the groups of sender and recipients. Rules see nothing
 * else (no body text), so a rule never needs a second read of the message.
 */
export interface MessageFacts {
  /** inbound: came from outside (the MX); outbound: sent by a local user to outside. */
  direction: 'inbound' | 'outbound';
  envelope: {
    /** MAIL FROM; '' for the null sender (bounces). */
    from: string;
    /** RCPT TO, every recipient the rules act for. */
    to: string[];
    /** The connecting client's IP; null when not from the network (API send). */
    clientIp: string | null;
    /** The sender signed in (submission, API). */
    authenticated: boolean;
  };
  /** Header fields in message order, values unfolded and RFC 2047-decoded. */
  headers: { name: string; value: string }[];
  /** Size in bytes (declared at MAIL FROM, or the received size). */
  size: number;
  /** Attachments at every nesting level: file name ('' when none) and MIME type. */
  attachments: { name: string; type: string }[];
  /** SPF, DKIM and DMARC results; a missing one counts as `none`. */
  auth: { spf?: AuthResult; dkim?: AuthResult; dmarc?: AuthResult };
  /** The spam stage's score; null when the message was not scored. */
  spamScore: number | null;
  /** Ids and distribution addresses of the groups the sender, and any recipient, belong to. */
  groups: { sender: string[]; recipients: string[] };
}

/** How much of a header value conditions look at: enough for any real subject, bounded for the matcher. */
export const MAX_HEADER_VALUE = 8192;
/** How many header fields and attachments conditions look at. */
export const MAX_HEADERS = 500;
export const MAX_ATTACHMENTS = 500;

/** The facts as conditions compare them: folded to one case, capped in size. */
export interface FoldedFacts {
  facts: MessageFacts;
  from: string;
  to: string[];
  headers: { name: string; value: string }[];
  attachments: { name: string; type: string }[];
  senderGroups: Set<string>;
  recipientGroups: Set<string>;
}

/** Case- and width-insensitive form of text: NFKC (full-width Latin → ASCII), then lower case. */
export const fold = (s: string): string => s.normalize('NFKC').toLowerCase();

/** Folds the facts once per evaluation, so each condition compares without copying. */
export function foldFacts(facts: MessageFacts): FoldedFacts {
  const cap = (s: string) => fold(s.length > MAX_HEADER_VALUE ? s.slice(0, MAX_HEADER_VALUE) : s);
  return {
    facts,
    from: fold(facts.envelope.from),
    to: facts.envelope.to.map(fold),
    headers: facts.headers
      .slice(0, MAX_HEADERS)
      .map((h) => ({ name: h.name.toLowerCase(), value: cap(h.value) })),
    attachments: facts.attachments
      .slice(0, MAX_ATTACHMENTS)
      .map((a) => ({ name: cap(a.name), type: fold(a.type) })),
    senderGroups: new Set(facts.groups.sender.map(fold)),
    recipientGroups: new Set(facts.groups.recipients.map(fold)),
  };
}
