import type { MimeNode } from '@zone-eu/mailsplit';
import { decode as decodeBase64 } from 'libbase64';
import libmime from 'libmime';
import { decode as decodeCharset } from 'libmime/lib/charset.js';
import { decode as decodeQp } from 'libqp';
import { htmlToText } from './html-text.js';
import './charset-aliases.js';

const PREVIEW_CHARS = 200;
/**
 * Encoded bytes of a text part decoded first; the rest only when they give too little text
 * for a preview: 1 KB holds 200 characters of most text, quoted-printable CJK (9 bytes a
 * character) needs the second try.
 */
const FIRST_TRY_BYTES = 1024;
/** Characters past the preview that a cut-off first try must give, so its cut edge (a half character or escape) never shows. */
const CUT_MARGIN = 16;

/** A MIME part and its body as it is on the wire (transfer-encoded), in chunks. */
export interface Leaf {
  node: MimeNode;
  body: Buffer[];
}

// The types mailparser shows as text; any other part is an attachment.
const TEXT_TYPES = new Set(['text/plain', 'text/html', 'message/delivery-status']);
const UTF8_CHARSETS = new Set(['ascii', 'usascii', 'utf8']);

/**
 * The text with whitespace runs collapsed to one space and trimmed, cut once it is longer than
 * `max`: a prefix of `text.replace(/\s+/g, ' ').trim()` that reads only the words it needs.
 */
function flatten(text: string, max: number): string {
  const words = /\S+/g;
  let flat = '';
  for (let m = words.exec(text); m && flat.length <= max; m = words.exec(text)) {
    flat = flat ? `${flat} ${m[0]}` : m[0];
  }
  return flat;
}

/** Collapses whitespace and cuts to the preview length. */
export function previewOf(text: string | undefined): string {
  const flat = flatten(text ?? '', PREVIEW_CHARS);
  return flat.length > PREVIEW_CHARS ? `${flat.slice(0, PREVIEW_CHARS - 1)}…` : flat;
}

/** Whether mailparser would list the part as an attachment (its `createNode` rules). */
function isAttachment(node: MimeNode): boolean {
  const type = node.contentType || 'text/plain';
  if (!TEXT_TYPES.has(type)) return true;
  // RFC 2183 §2.8: an unknown disposition is treated as `attachment`
  return node.disposition !== false && node.disposition !== 'inline';
}

/** An inline image of an HTML body: it has a Content-ID and sits in a multipart/related. */
function isRelated(node: MimeNode): boolean {
  if (node.headers === false || !node.headers.hasHeader('content-id')) return false;
  for (let p = node.parentNode; p; p = p.parentNode) if (p.contentType === 'multipart/related') return true;
  return false;
}

function insideAlternative(node: MimeNode): boolean {
  for (let p = node.parentNode; p; p = p.parentNode)
    if (p.contentType === 'multipart/alternative') return true;
  return false;
}

/** A text part's content: transfer encoding, format=flowed (RFC 3676) and charset undone, in that order. */
function decodeText(node: MimeNode, raw: Buffer): string {
  let bytes = raw;
  if (node.encoding === 'base64') bytes = decodeBase64(raw.toString('latin1'));
  else if (node.encoding === 'quoted-printable') bytes = decodeQp(raw);
  if (node.flowed) bytes = Buffer.from(libmime.decodeFlowed(bytes.toString('latin1'), node.delSp), 'latin1');
  const charset = node.charset || 'utf-8';
  const utf8 = UTF8_CHARSETS.has(charset.toLowerCase().replace(/[^a-z0-9]+/g, ''));
  const text = utf8 ? bytes.toString('utf8') : decodeCharset(bytes, charset);
  return node.contentType === 'text/html' ? htmlToText(text) : text;
}

/** The part's text flattened (see `flatten`), decoding only as much of it as the preview can use. */
function partText(node: MimeNode, chunks: Buffer[]): string {
  const raw = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  const max = PREVIEW_CHARS + CUT_MARGIN;
  if (raw.length > FIRST_TRY_BYTES) {
    const start = flatten(decodeText(node, raw.subarray(0, FIRST_TRY_BYTES)), max);
    if (start.length > max) return start;
  }
  return flatten(decodeText(node, raw), max);
}

/**
 * The preview, and whether there is an attachment, following mailparser: the text is that of
 * the text/plain parts in order, with HTML converted where it is not an alternative to them. A
 * message with no plain text at all is previewed from its HTML (mailparser does that only when
 * the HTML is the whole message). An attachment counts unless it is an inline image.
 */
export function bodyIndex(leaves: readonly Leaf[]): { preview: string; hasAttachments: boolean } {
  const texts: Leaf[] = [];
  let hasAttachments = false;
  let hasPlain = false;
  for (const leaf of leaves) {
    const { node } = leaf;
    if (node.multipart || node.messageNode) continue;
    if (isAttachment(node)) {
      hasAttachments ||= node.disposition === 'attachment' || !isRelated(node);
      continue;
    }
    texts.push(leaf);
    hasPlain ||= node.contentType !== 'text/html';
  }
  let text = '';
  for (const { node, body } of texts) {
    if (node.contentType === 'text/html' && hasPlain && insideAlternative(node)) continue;
    const part = partText(node, body);
    text = text && part ? `${text} ${part}` : text || part;
    if (text.length > PREVIEW_CHARS) break; // later parts cannot reach the preview
  }
  return { preview: previewOf(text), hasAttachments };
}
