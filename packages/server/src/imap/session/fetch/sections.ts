import { pipeline, Transform } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { type MimeEntity, resolvePart } from '../../../mail/index.js';
import type { BodySection, FetchPartial, ResponseValue } from '../../protocol/index.js';
import { filterHeader } from './header-filter.js';
import type { MessageBlob, MessageSource } from './message-source.js';

/** A section's bytes: in memory (a filtered header), or a range of the stored body (never loaded whole). */
export type SectionData = { readonly bytes: Buffer } | { readonly start: number; readonly end: number };

const EMPTY: SectionData = { bytes: Buffer.alloc(0) };

/** Whether a section needs the whole MIME structure (any part number), not just the top header. */
export function needsStructure(section: BodySection): boolean {
  return section.part.length > 0;
}

const rangeOf = (start: number, size: number): SectionData => ({ start, end: start + size });

/** A header section's bytes filtered by HEADER.FIELDS(.NOT), or whole. */
async function headerText(
  source: MessageSource,
  message: MessageBlob,
  section: BodySection,
  header: MimeEntity | Buffer,
): Promise<SectionData> {
  const wanted = section.text === 'HEADER.FIELDS' || section.text === 'HEADER.FIELDS.NOT';
  if (Buffer.isBuffer(header)) {
    return wanted
      ? { bytes: filterHeader(header, section.fields, section.text === 'HEADER.FIELDS.NOT') }
      : { bytes: header };
  }
  if (!wanted) return rangeOf(header.headerStart, header.headerSize);
  const bytes = await buffer(
    source.range(message, header.headerStart, header.headerStart + header.headerSize),
  );
  return { bytes: filterHeader(bytes, section.fields, section.text === 'HEADER.FIELDS.NOT') };
}

/**
 * The bytes of BODY[section] (RFC 9051 §6.4.5). Without a part number:
 * the message, its header (filtered), its text. With one: the part's body,
 * its MIME header, or — for a message/rfc822 part — the enclosed message's
 * header and text. A part that does not exist, and HEADER or TEXT of a part
 * that is no message, are empty, as Dovecot answers them.
 */
export async function sectionData(
  source: MessageSource,
  message: MessageBlob,
  section: BodySection,
): Promise<SectionData> {
  if (section.part.length === 0) {
    if (section.text === null) return { start: 0, end: message.size };
    const parsed = await source.header(message);
    if (section.text === 'TEXT') return { start: parsed.root.headerSize, end: message.size };
    return headerText(source, message, section, parsed.header);
  }
  const { root } = await source.structure(message);
  const part = resolvePart(root, section.part);
  if (!part) return EMPTY;
  switch (section.text) {
    case null:
      return rangeOf(part.bodyStart, part.bodySize);
    case 'MIME':
      return rangeOf(part.headerStart, part.headerSize);
    case 'TEXT':
      return part.message ? rangeOf(part.message.bodyStart, part.message.bodySize) : EMPTY;
    default:
      return part.message ? headerText(source, message, section, part.message) : EMPTY;
  }
}

/** The `<offset.length>` window of a section (RFC 9051 §6.4.5: past the end, empty). */
export function partialOf(data: SectionData, partial: FetchPartial | null): SectionData {
  if (!partial) return data;
  if ('bytes' in data) return { bytes: data.bytes.subarray(partial.offset, partial.offset + partial.length) };
  const start = Math.min(data.end, data.start + partial.offset);
  return { start, end: Math.min(data.end, start + partial.length) };
}

/**
 * The literal that carries a section: bytes as they are, a range streamed
 * from the store — but with NUL as 0x80, as Dovecot sends it: a literal may
 * not carry NUL (RFC 9051 §4.3, CHAR8), and a message APPENDed as binary
 * content (literal8) is stored with its NULs, which only BINARY[] returns.
 */
export function sectionValue(source: MessageSource, message: MessageBlob, data: SectionData): ResponseValue {
  if ('bytes' in data) return { literal: withoutNul(data.bytes) };
  const size = data.end - data.start;
  if (size <= 0) return { literal: Buffer.alloc(0) };
  const nonNul = new Transform({ transform: (chunk: Buffer, _e, done) => done(null, withoutNul(chunk)) });
  // pipeline: an error or a destroy at either end ends both (a FETCH whose later item failed).
  return { stream: pipeline(source.range(message, data.start, data.end), nonNul, () => {}), size };
}

/** `bytes`, or a copy with each NUL replaced by 0x80 (the same size, so literal lengths hold). */
export function withoutNul(bytes: Buffer): Buffer {
  if (bytes.indexOf(0) < 0) return bytes;
  const copy = Buffer.from(bytes);
  for (let i = copy.indexOf(0); i >= 0; i = copy.indexOf(0, i + 1)) copy[i] = 0x80;
  return copy;
}
