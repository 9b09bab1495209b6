import { mailParts } from '../filter/spam/mime-parts.js';
import { htmlToText } from '../mail/html-text.js';
import { documentTokens } from './tokens.js';

/**
 * What is indexed of a message, as tokens per field (see `tokens.ts`). The bounds keep one
 * message's cost small whatever it holds, and the same on both engines:
 *
 * - the first MAX_MESSAGE_BYTES of the message are read (headers, text, attachment names
 *   of the parts that start there: a name after a larger attachment is not indexed);
 * - body text: the text/plain parts (or, without any, the HTML ones as text), charsets decoded
 *   (GBK, GB18030, Big5 … through libmime), the first MAX_BODY_CHARS characters;
 * - at most MAX_DOCUMENT_TOKENS tokens in all, header fields first (PostgreSQL keeps word
 *   positions only up to 16,383; past that a phrase could not be matched).
 */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
export const MAX_BODY_CHARS = 64 * 1024;
export const MAX_DOCUMENT_TOKENS = 16_000;
const MAX_HEADER_TOKENS = 1000;
const MAX_PARTS = 100;

/** One message's tokens, per field, in order. */
export interface SearchDocument {
  subject: string[];
  /** From: name and address. */
  sender: string[];
  /** To and Cc: names and addresses. */
  recipients: string[];
  /** Attachment file names. */
  attachments: string[];
  body: string[];
}

/** The fields in the order they are indexed (and capped). */
export const FIELD_ORDER = ['subject', 'sender', 'recipients', 'attachments', 'body'] as const;

/** The document of a message nothing could be read of. */
export const EMPTY_DOCUMENT: SearchDocument = Object.freeze({
  subject: [],
  sender: [],
  recipients: [],
  attachments: [],
  body: [],
});

/** The body text to index: plain parts, or HTML as text when there is no plain part. */
function bodyText(texts: Array<{ html: boolean; text: string }>): string {
  const plain = texts.filter((t) => !t.html);
  const chosen = plain.length > 0 ? plain.map((t) => t.text) : texts.map((t) => htmlToText(t.text));
  const text = chosen.join('\n');
  return text.length > MAX_BODY_CHARS ? text.slice(0, MAX_BODY_CHARS) : text;
}

/** The search document of a stored message (its first MAX_MESSAGE_BYTES); never throws. */
export async function searchDocument(raw: Buffer): Promise<SearchDocument> {
  let parts: Awaited<ReturnType<typeof mailParts>>;
  try {
    parts = await mailParts(raw, {
      maxBytes: MAX_MESSAGE_BYTES,
      maxPartChars: MAX_BODY_CHARS,
      maxParts: MAX_PARTS,
    });
  } catch {
    return EMPTY_DOCUMENT; // mailsplit gave up on the structure: the message is found by nothing but its filters
  }
  const header = (...names: string[]) =>
    parts.headers
      .filter((h) => names.includes(h.name))
      .map((h) => h.value)
      .join('\n');
  let left = MAX_DOCUMENT_TOKENS;
  const take = (text: string, max = MAX_HEADER_TOKENS) => {
    const tokens = documentTokens(text, Math.min(max, left));
    left -= tokens.length;
    return tokens;
  };
  const subject = take(header('subject'));
  const sender = take(header('from'));
  const recipients = take(header('to', 'cc'));
  const attachments = take(parts.attachments.map((a) => a.filename).join('\n'));
  const body = take(bodyText(parts.texts), left);
  return { subject, sender, recipients, attachments, body };
}
