import type { Transform } from 'node:stream';
import { type MessageChunk, type MimeNode, Splitter } from '@zone-eu/mailsplit';
import { decode as decodeBase64 } from 'libbase64';
import libmime from 'libmime';
import { decode as decodeCharset } from 'libmime/lib/charset.js';
import { decode as decodeQp } from 'libqp';
import '../../mail/charset-aliases.js';

/** A header field of the message's top level, unfolded, with RFC 2047 encoded words decoded. */
export interface HeaderField {
  /** Lower case. */
  name: string;
  value: string;
}

/** A text part's content, decoded to a JavaScript string (transfer encoding and charset undone). */
export interface TextPart {
  html: boolean;
  text: string;
  /** Declared charset, lower case ('' when none). */
  charset: string;
  /** Content-Transfer-Encoding, lower case ('' when none). */
  encoding: string;
}

export interface AttachmentPart {
  /** Content type, lower case. */
  type: string;
  /** File name, decoded ('' when none). */
  filename: string;
}

/** What the tokenizer needs of a message. */
export interface MailParts {
  headers: HeaderField[];
  texts: TextPart[];
  attachments: AttachmentPart[];
}

/** Bounds on the work one message may cause; see `tokenize.ts` for the defaults. */
export interface MimeLimits {
  /** Bytes of the message read at all; the rest is not looked at. */
  maxBytes: number;
  /** Characters kept of each text part after decoding. */
  maxPartChars: number;
  /** Parts looked at (MIME trees of thousands of parts are a known attack on filters). */
  maxParts: number;
}

const TEXT_TYPES = new Set(['text/plain', 'text/html']);
/** Characters of a header value looked at: every header regex then runs on a bounded string. */
const MAX_HEADER_CHARS = 2000;
const UTF8 = new Set(['', 'ascii', 'usascii', 'utf8']);

/** The message split into its MIME leaves with their (still transfer-encoded) bodies, in order. */
function splitLeaves(raw: Buffer, maxParts: number): Promise<Array<{ node: MimeNode; body: Buffer[] }>> {
  return new Promise((resolve, reject) => {
    const leaves = new Map<MimeNode, Buffer[]>();
    const splitter = new Splitter({ maxHeadSize: 256 * 1024 });
    splitter.on('data', (data: MimeNode | MessageChunk) => {
      if (data.type === 'node') {
        if (leaves.size < maxParts) leaves.set(data, []);
      } else if (data.type === 'body') leaves.get(data.node)?.push(data.value);
    });
    // mailsplit's typings declare only its 'data' event; it is a Transform like any other.
    const stream = splitter as unknown as Transform;
    stream.once('error', reject);
    stream.once('end', () => resolve([...leaves].map(([node, body]) => ({ node, body }))));
    splitter.end(raw);
  });
}

/** Transfer encoding, then charset (libmime's table over iconv-lite: GBK, GB18030, Big5, ISO-2022-JP …). */
function decodeBody(node: MimeNode, chunks: Buffer[], maxChars: number): string {
  let bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  const encoding = (node.encoding || '').toLowerCase();
  // Base64 and QP shrink when decoded; 4 bytes of input per character is enough for any charset.
  bytes = bytes.subarray(0, maxChars * 4);
  if (encoding === 'base64') bytes = decodeBase64(bytes.toString('latin1'));
  else if (encoding === 'quoted-printable') bytes = decodeQp(bytes);
  const charset = (node.charset || '').toLowerCase();
  let text: string;
  try {
    text = UTF8.has(charset.replace(/[^a-z0-9]+/g, ''))
      ? bytes.toString('utf8')
      : decodeCharset(bytes, charset);
  } catch {
    text = bytes.toString('latin1'); // an unknown charset: its ASCII words still count
  }
  return text.length > maxChars ? text.slice(0, maxChars) : text;
}

/** RFC 2047 encoded words decoded; a malformed one is left as it is. */
export function decodeHeaderValue(value: string): string {
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}

function headerFields(root: MimeNode): HeaderField[] {
  if (root.headers === false) return [];
  return root.headers.getList().map(({ key, line }) => {
    const colon = line.indexOf(':');
    const value = line
      .slice(colon + 1, colon + 1 + MAX_HEADER_CHARS)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
    return { name: key.toLowerCase(), value: decodeHeaderValue(value) };
  });
}

/**
 * Splits `raw` (cut to `limits.maxBytes`) into its top-level header fields,
 * its decoded text parts and the types and names of its other parts. Never
 * throws on malformed MIME: mailsplit reads whatever structure there is.
 */
export async function mailParts(raw: Buffer, limits: MimeLimits): Promise<MailParts> {
  const leaves = await splitLeaves(raw.subarray(0, limits.maxBytes), limits.maxParts);
  const parts: MailParts = { headers: [], texts: [], attachments: [] };
  for (const { node, body } of leaves) {
    if (node.root) parts.headers = headerFields(node);
    if (node.multipart || node.messageNode) continue;
    const type = (node.contentType || 'text/plain').toLowerCase();
    const attached = node.disposition === 'attachment' || !TEXT_TYPES.has(type);
    if (attached) {
      parts.attachments.push({
        type,
        filename: node.filename ? decodeHeaderValue(String(node.filename)) : '',
      });
      continue;
    }
    parts.texts.push({
      html: type === 'text/html',
      text: decodeBody(node, body, limits.maxPartChars),
      charset: (node.charset || '').toLowerCase(),
      encoding: (node.encoding || '').toLowerCase(),
    });
  }
  return parts;
}
