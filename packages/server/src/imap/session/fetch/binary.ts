import { pipeline, type Readable, Transform } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { Decoder as Base64Decoder } from 'libbase64';
import { Decoder as QpDecoder } from 'libqp';
import { type MimeEntity, parseEncoding, resolvePart } from '../../../mail/index.js';
import {
  type FetchPartial,
  ImapProtocolError,
  type LiteralValue,
  type ResponseValue,
  type StreamedValue,
} from '../../protocol/index.js';
import type { MessageBlob, MessageSource } from './message-source.js';

/** Parts up to this size are decoded in memory, once; larger ones are decoded as they stream, twice (size, then bytes). */
const DECODE_IN_MEMORY = 256 * 1024;

type Decoding = 'identity' | 'base64' | 'quoted-printable';

/**
 * How a part's Content-Transfer-Encoding is undone (RFC 2045 §6); an
 * encoding we cannot decode is `NO [UNKNOWN-CTE]` (RFC 3516 §4.3).
 */
export function decodingOf(part: MimeEntity): Decoding {
  const encoding = encodingOf(part);
  if (encoding === 'base64' || encoding === 'quoted-printable') return encoding;
  if (encoding === '7bit' || encoding === '8bit' || encoding === 'binary') return 'identity';
  throw new ImapProtocolError(`Unknown Content-Transfer-Encoding ${encoding.slice(0, 40)}`, {
    status: 'NO',
    code: { name: 'UNKNOWN-CTE' },
  });
}

/** A part's Content-Transfer-Encoding, lower case; 7bit when it has none. */
function encodingOf(part: MimeEntity): string {
  const field = part.fields['content-transfer-encoding'];
  return (field === undefined ? null : parseEncoding(field))?.toLowerCase() ?? '7bit';
}

function decoder(decoding: Exclude<Decoding, 'identity'>): Transform {
  return decoding === 'base64' ? new Base64Decoder() : new QpDecoder();
}

/** Streams through a chain of transforms; an error anywhere destroys every stream of it, and the last one errors. */
function chain(first: Readable, ...rest: Transform[]): Readable {
  if (rest.length === 0) return first;
  return pipeline([first, ...rest], () => {}) as unknown as Readable;
}

/** A part's body, transfer encoding undone, as a stream. */
function decodedStream(
  source: MessageSource,
  message: MessageBlob,
  part: MimeEntity,
  decoding: Exclude<Decoding, 'identity'>,
): Readable {
  return chain(source.range(message, part.bodyStart, part.bodyStart + part.bodySize), decoder(decoding));
}

/** Passes bytes `from` to `to` (exclusive) of what flows through, and no others. */
function window(from: number, to: number): Transform {
  let at = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const start = Math.max(0, from - at);
      const end = Math.min(chunk.length, to - at);
      at += chunk.length;
      done(null, start < end ? chunk.subarray(start, end) : undefined);
    },
  });
}

/** A part of a message resolved for BINARY: its entity, or null when there is none. */
async function partOf(source: MessageSource, message: MessageBlob, path: readonly number[]) {
  const parsed = await source.structure(message);
  return { parsed, part: path.length === 0 ? null : resolvePart(parsed.root, path) };
}

/** The decoded size of a part, computed once per body and part. */
async function decodedSize(
  source: MessageSource,
  message: MessageBlob,
  part: MimeEntity,
  decoding: Exclude<Decoding, 'identity'>,
  sizes: Map<string, number>,
  key: string,
): Promise<number> {
  const known = sizes.get(key);
  if (known !== undefined) return known;
  let size = 0;
  for await (const chunk of decodedStream(source, message, part, decoding)) size += (chunk as Buffer).length;
  sizes.set(key, size);
  return size;
}

/** BINARY.SIZE[part] (RFC 3516 §4.2): the size BINARY[part] would have. */
export async function binarySize(
  source: MessageSource,
  message: MessageBlob,
  path: readonly number[],
): Promise<number> {
  const { parsed, part } = await partOf(source, message, path);
  if (path.length === 0) return message.size;
  if (!part) return 0;
  const decoding = decodingOf(part);
  if (decoding === 'identity') return part.bodySize;
  return decodedSize(source, message, part, decoding, parsed.binarySizes, path.join('.'));
}

/**
 * BINARY[part]<partial> (RFC 3516 §4.2): the part with its transfer
 * encoding undone, as literal8 when it was encoded. `BINARY[]` is the
 * message as stored (its parts keep their encodings).
 */
export async function binaryValue(
  source: MessageSource,
  message: MessageBlob,
  path: readonly number[],
  partial: FetchPartial | null,
): Promise<ResponseValue> {
  const { parsed, part } = await partOf(source, message, path);
  const range =
    path.length === 0
      ? { start: 0, end: message.size }
      : part && { start: part.bodyStart, end: part.bodyStart + part.bodySize };
  if (!part || !range) return slice(source, message, range ?? { start: 0, end: 0 }, partial);
  const decoding = decodingOf(part);
  if (decoding === 'identity') {
    // Binary content may hold NUL, which only a literal8 may carry (RFC 3516 §4.3).
    const value = slice(source, message, range, partial);
    return encodingOf(part) === 'binary' ? { ...value, binary: true } : value;
  }
  if (part.bodySize <= DECODE_IN_MEMORY) {
    const decoded = await buffer(decodedStream(source, message, part, decoding));
    parsed.binarySizes.set(path.join('.'), decoded.length);
    const bytes = partial ? decoded.subarray(partial.offset, partial.offset + partial.length) : decoded;
    return { literal: bytes, binary: true };
  }
  const total = await decodedSize(source, message, part, decoding, parsed.binarySizes, path.join('.'));
  const from = Math.min(total, partial?.offset ?? 0);
  const to = partial ? Math.min(total, from + partial.length) : total;
  if (to <= from) return { literal: Buffer.alloc(0), binary: true };
  const stream = chain(decodedStream(source, message, part, decoding), window(from, to));
  return { stream, size: to - from, binary: true };
}

function slice(
  source: MessageSource,
  message: MessageBlob,
  range: { start: number; end: number },
  partial: FetchPartial | null,
): LiteralValue | StreamedValue {
  const start = Math.min(range.end, range.start + (partial?.offset ?? 0));
  const end = partial ? Math.min(range.end, start + partial.length) : range.end;
  if (end <= start) return { literal: Buffer.alloc(0) };
  return { stream: source.range(message, start, end), size: end - start };
}
