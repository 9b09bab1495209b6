import type { Readable } from 'node:stream';
import { MailParser } from 'mailparser';
import { attachmentId } from './attachment.js';
import type { AttachmentInfo } from './types.js';
import './charset-aliases.js';

/** Bodies longer than this are cut in the single-message view; the raw message has everything. */
const MAX_BODY_CHARS = 2 * 1024 * 1024;

export interface ParsedBody {
  headers: { name: string; value: string }[];
  text: string | null;
  html: string | null;
  attachments: AttachmentInfo[];
  /** The parser gave up part way (a MIME part past its limits): the fields hold what it read before. */
  partial: boolean;
}

const cut = (s: string | undefined | false) => (s ? s.slice(0, MAX_BODY_CHARS) : null);

/** One header line as mailparser gives it (`Name: value`, folded) → name and unfolded value. */
export function headerField(line: string): { name: string; value: string } {
  const colon = line.indexOf(':');
  return {
    name: line.slice(0, colon).trim(),
    value: line
      .slice(colon + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim(),
  };
}

/**
 * Parses a stored message for the single-message view, streaming: attachment
 * contents are counted and discarded, never held in memory. A message the
 * parser gives up on (mailsplit refuses a MIME header over 1 MiB or more than
 * 1,000 parts; mail taken before intake bounded the header section may hold
 * one) resolves with what was read and `partial` set, never an error: a
 * stored message must always open. Only a failure to read the stored bytes
 * rejects.
 */
export function parseBody(stream: Readable): Promise<ParsedBody> {
  return new Promise((resolve, reject) => {
    const parser = new MailParser({ skipImageLinks: true, skipTextLinks: true });
    const out: ParsedBody = { headers: [], text: null, html: null, attachments: [], partial: false };
    let settled = false;
    const finish = (partial: boolean) => {
      if (settled) return;
      settled = true;
      out.partial = partial;
      resolve(out);
    };
    parser.on('headers', () => {
      for (const line of parser.headerLines || []) out.headers.push(headerField(line.line));
    });
    parser.on('data', (data) => {
      if (data.type === 'text') {
        out.text = cut(data.text);
        out.html = cut(data.html);
        return;
      }
      const info: AttachmentInfo = {
        id: attachmentId(data.partId),
        index: out.attachments.length,
        filename: data.filename ?? null,
        contentType: data.contentType,
        size: 0,
        contentId: data.cid ?? null,
        inline: data.contentDisposition === 'inline',
      };
      out.attachments.push(info);
      data.content.on('data', (c: Buffer) => {
        info.size += c.length;
      });
      data.content.on('end', () => data.release?.());
      data.content.resume();
    });
    parser.on('end', () => finish(false));
    parser.on('error', () => {
      // Stop reading the message; what was read stands.
      stream.unpipe(parser);
      stream.destroy();
      finish(true);
    });
    stream.on('error', (err) => {
      if (!settled) reject(err);
    });
    stream.pipe(parser);
  });
}

/** Most of a header section the fallback reader looks at, and the most fields it returns. */
const FALLBACK_HEADER_BYTES = 256 * 1024;
const FALLBACK_HEADER_FIELDS = 1000;

/**
 * The top-level header fields of a stored message without a MIME parser, for
 * a message whose header section the parser could not read at all: the first
 * FALLBACK_HEADER_BYTES, unfolded, at most FALLBACK_HEADER_FIELDS fields.
 */
export async function readHeaderFields(stream: Readable): Promise<{ name: string; value: string }[]> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      length += (chunk as Buffer).length;
      if (length >= FALLBACK_HEADER_BYTES || (chunk as Buffer).includes('\r\n\r\n')) break;
    }
  } finally {
    stream.destroy();
  }
  const text = Buffer.concat(chunks).subarray(0, FALLBACK_HEADER_BYTES).toString('utf8');
  const end = text.search(/\r?\n\r?\n/);
  const fields: { name: string; value: string }[] = [];
  // A field starts at a line that is not a continuation (RFC 5322 §2.2.3) and has a colon.
  for (const line of (end < 0 ? text : text.slice(0, end)).split(/\r?\n(?![ \t])/)) {
    if (fields.length >= FALLBACK_HEADER_FIELDS) break;
    if (line.indexOf(':') > 0) fields.push(headerField(line));
  }
  return fields;
}
