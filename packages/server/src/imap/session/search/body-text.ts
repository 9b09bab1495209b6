import { pipeline, type Readable, type Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { decodeHTML } from 'entities';
import { Decoder as Base64Decoder } from 'libbase64';
import { createDecodeStream } from 'libmime/lib/charset.js';
import { Decoder as QpDecoder } from 'libqp';
import { entities, type MimeEntity, parseEncoding } from '../../../mail/index.js';
import type { MessageBlob, MessageSource } from '../fetch/index.js';
import { foldText, type NeedleScanner } from './text-fold.js';

/**
 * Encoded bytes of text parts read per message at most: a body search
 * costs time in proportion to the text it reads, and one message must not
 * hold a SEARCH for minutes. Text past it is not searched.
 */
export const MAX_TEXT_BYTES_PER_MESSAGE = 64 * 1024 * 1024;

/** Strips HTML tags and decodes entities as text streams by, for searching the words a reader sees. */
class HtmlText {
  private inTag = false;
  private carry = '';

  push(chunk: string): string {
    const s = this.carry + chunk;
    this.carry = '';
    let out = '';
    let i = 0;
    while (i < s.length) {
      if (this.inTag) {
        const end = s.indexOf('>', i);
        if (end < 0) break;
        this.inTag = false;
        i = end + 1;
        continue;
      }
      const lt = s.indexOf('<', i);
      out += s.slice(i, lt < 0 ? s.length : lt);
      if (lt < 0) break;
      this.inTag = true;
      i = lt + 1;
    }
    // An entity cut by the chunk's end (`&am|p;`) waits for the rest of it.
    const amp = out.lastIndexOf('&');
    if (amp >= 0 && out.length - amp < 12 && !out.includes(';', amp)) {
      this.carry = out.slice(amp);
      out = out.slice(0, amp);
    }
    return decodeHTML(out);
  }
}

/** A text part's body as UTF-8: transfer encoding and charset undone (an unknown encoding is read as is). */
function decodedText(source: MessageSource, message: MessageBlob, part: MimeEntity): Readable {
  const field = part.fields['content-transfer-encoding'];
  const encoding = (field === undefined ? null : parseEncoding(field))?.toLowerCase();
  // No charset, or us-ascii, yet 8-bit bytes: in practice UTF-8 (RFC 6532 mail, careless senders).
  const declared = part.contentType?.params.find(([n]) => n.toLowerCase() === 'charset')?.[1];
  const charset = !declared || /^(us-)?ascii$/i.test(declared) ? 'utf-8' : declared;
  const streams: Array<Readable | Transform> = [
    source.range(message, part.bodyStart, part.bodyStart + part.bodySize),
  ];
  if (encoding === 'base64') streams.push(new Base64Decoder());
  else if (encoding === 'quoted-printable') streams.push(new QpDecoder());
  streams.push(createDecodeStream(charset) as unknown as Transform);
  return pipeline(streams, () => {}) as unknown as Readable;
}

/** Text parts of a message (text/* leaves, also inside attached messages), in order. */
function* textParts(root: MimeEntity): Generator<MimeEntity> {
  for (const e of entities(root)) {
    if (e.children || e.message || e.type !== 'text' || e.bodySize === 0) continue;
    yield e;
  }
}

/**
 * Feeds the text of a message's text parts to `scanner`, decoded (transfer
 * encoding, charset — GBK, GB18030, Big5, ISO-2022-JP … — and HTML to its
 * words) and folded, a chunk at a time, until every needle is found or
 * {@link MAX_TEXT_BYTES_PER_MESSAGE} were read. Attachments that are not
 * text are not read at all.
 */
export async function scanBodyText(
  source: MessageSource,
  message: MessageBlob,
  root: MimeEntity,
  scanner: NeedleScanner,
): Promise<void> {
  let budget = MAX_TEXT_BYTES_PER_MESSAGE;
  for (const part of textParts(root)) {
    if (scanner.done || budget <= 0) return;
    budget -= part.bodySize;
    const html = part.subtype === 'html' ? new HtmlText() : null;
    const utf8 = new StringDecoder('utf8');
    const stream = decodedText(source, message, part);
    try {
      for await (const chunk of stream) {
        const text = utf8.write(chunk as Buffer);
        scanner.push(foldText(html ? html.push(text) : text));
        if (scanner.done) break;
      }
    } finally {
      stream.destroy();
    }
    scanner.reset();
  }
}
