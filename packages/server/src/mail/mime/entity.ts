import type { ContentType } from './content-fields.js';

/**
 * Header fields kept of each MIME part (RFC 2045 §3, RFC 2183, RFC 3282,
 * RFC 2557): what BODYSTRUCTURE describes.
 */
export const PART_FIELDS = [
  'content-type',
  'content-transfer-encoding',
  'content-id',
  'content-description',
  'content-md5',
  'content-disposition',
  'content-language',
  'content-location',
] as const;

/**
 * Header fields kept of each message (the top level and every enclosed
 * message/rfc822): what ENVELOPE (RFC 9051 §7.5.2), SORT and THREAD (RFC
 * 5256) read.
 */
export const MESSAGE_FIELDS = [
  'date',
  'subject',
  'from',
  'sender',
  'reply-to',
  'to',
  'cc',
  'bcc',
  'in-reply-to',
  'message-id',
  'references',
] as const;

export type PartField = (typeof PART_FIELDS)[number];
export type MessageField = (typeof MESSAGE_FIELDS)[number];

/**
 * One MIME entity of a stored message, located by byte offsets in the
 * message (RFC 2045 §2.4): its header section (the empty line that ends it
 * included), then its body. As IMAP counts them (RFC 9051 §7.5.2, and as
 * Dovecot does), a part inside a multipart ends before the line break that
 * precedes the next delimiter line, which belongs to the delimiter.
 */
export interface MimeEntity {
  readonly headerStart: number;
  /** Bytes of the header section; the body starts right after it. */
  readonly headerSize: number;
  readonly bodyStart: number;
  readonly bodySize: number;
  /** Line feeds in the body (RFC 9051 body-fld-lines). */
  readonly bodyLines: number;
  /**
   * The first occurrence of each kept field (`PART_FIELDS`, and
   * `MESSAGE_FIELDS` for a message), by lower-case name: the raw value after
   * the colon, unfolded (CR and LF removed), leading white space removed,
   * as a byte string (latin1: one char per byte; 8-bit bytes kept).
   */
  readonly fields: Readonly<Partial<Record<PartField | MessageField, string>>>;
  /** Content-Type as written, or null when absent or invalid (see `type`). */
  readonly contentType: ContentType | null;
  /** The media type in effect, lower case: text/plain when absent (message/rfc822 in a multipart/digest). */
  readonly type: string;
  readonly subtype: string;
  /** The parts of a multipart (empty when it has no boundary or no parts). */
  readonly children?: readonly MimeEntity[];
  /** The enclosed message of a message/rfc822 part whose body is not base64 or quoted-printable. */
  readonly message?: MimeEntity;
}

/** Whether `entity` is a multipart (its children are its parts). */
export const isMultipart = (entity: MimeEntity): boolean => entity.type === 'multipart';

/**
 * The entity a part specifier names (RFC 9051 §6.4.5: `1.2.3`), or null
 * when there is no such part. The empty path is the message itself. A
 * message that is not multipart has one part, 1: its body, described by
 * its own header (so `1.MIME` is that header, as Dovecot answers). `n.1` of
 * a part that is neither multipart nor message/rfc822 is the part itself.
 */
export function resolvePart(root: MimeEntity, path: readonly number[]): MimeEntity | null {
  let entity: MimeEntity = root;
  let isMessage = true;
  for (const n of path) {
    let scope = entity;
    if (!isMessage && scope.message) scope = scope.message;
    const next = scope.children ? scope.children[n - 1] : n === 1 ? scope : undefined;
    if (!next) return null;
    entity = next;
    isMessage = false;
  }
  return entity;
}

/** Every entity of the tree, depth first (the root, its parts, enclosed messages and their parts). */
export function* entities(root: MimeEntity): Generator<MimeEntity> {
  yield root;
  for (const child of root.children ?? []) yield* entities(child);
  if (root.message) yield* entities(root.message);
}
