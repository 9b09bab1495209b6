import type { Readable } from 'node:stream';
import { AppError } from '../shared/index.js';
import type { BlobWriter } from '../store/index.js';
import { countLines, HeaderSection } from './header-section.js';
import { createLineNormalizer } from './line-endings.js';

/** Bytes of the message kept in memory for index parsing (headers, preview). */
export const HEAD_BYTES = 256 * 1024;

/**
 * The largest header section taken (everything before the first empty line; a message without
 * one is all header). RFC 5322 sets no limit, but a reader must hold the section whole:
 * mailparser (mailsplit) gives up on a MIME header past 1 MiB, counting each line as at least
 * 64 bytes. 512 KiB and 5,000 lines stay within that (≤ 832 KiB so counted, with room for our
 * trace and added headers) and above anything real mail carries (tens of KiB, a few hundred
 * lines). Postfix's `header_size_limit` trims a header instead; we refuse the message
 * (552 5.3.4), so the sender learns of it and nothing is silently cut.
 */
export const MAX_HEADER_BYTES = 512 * 1024;
export const MAX_HEADER_LINES = 5000;

export interface IngestOptions {
  /** Written before the message: our trace header(s). */
  prefix: string;
  maxSize: number;
  /** Returns header lines (CRLF-terminated) to add given the header section, e.g. a missing Message-ID. */
  addHeaders?: (headerSection: string) => string;
  /** Store the bytes exactly as they come: no line-ending or NUL change (binary content, see `AppendInput.verbatim`). */
  verbatim?: boolean;
}

export interface IngestResult {
  /** The first HEAD_BYTES of the stored message without the prefix, for index parsing. */
  head: Buffer;
  /** Bytes stored, prefix and added headers included. */
  size: number;
  /** A part with `Content-Disposition: attachment`, or of an application/audio/video type, was seen anywhere. */
  sawAttachment: boolean;
}

// A part that is an attachment by its disposition, or by a type no mail client shows inline.
const ATTACHMENT_RE =
  /\ncontent-(disposition:[ \t]*attachment|type:[ \t]*(application|audio|video|model|font)\/)/i;

/**
 * Streams a message into a blob writer: makes its line endings CRLF (see
 * `createLineNormalizer`; not for a `verbatim` message), holds back only the header section (to add missing
 * headers, and to refuse one over MAX_HEADER_BYTES or MAX_HEADER_LINES),
 * enforces `maxSize` while streaming, keeps the first HEAD_BYTES for indexing
 * and scans for attachments with a small carry-over window. On overflow the
 * rest of the input is drained (the SMTP stream must be consumed) and
 * MESSAGE_TOO_LARGE or HEADER_TOO_LARGE is thrown; nothing is kept.
 */
export async function ingest(
  stream: Readable,
  writer: BlobWriter,
  options: IngestOptions,
): Promise<IngestResult> {
  const prefix = Buffer.from(options.prefix, 'utf8');
  const normalize = options.verbatim ? keepBytes : createLineNormalizer();
  let size = prefix.length;
  let header: HeaderSection | null = new HeaderSection();
  const headParts: Buffer[] = [];
  let headLen = 0;
  let tail = '';
  let sawAttachment = false;
  let refused: AppError | undefined;

  const emit = async (chunk: Buffer) => {
    size += chunk.length;
    if (size > options.maxSize) {
      refused = tooLarge(options.maxSize);
      return;
    }
    if (headLen < HEAD_BYTES) {
      const part = chunk.subarray(0, HEAD_BYTES - headLen);
      headParts.push(part);
      headLen += part.length;
    }
    const text = tail + chunk.toString('latin1');
    if (!sawAttachment && ATTACHMENT_RE.test(text)) sawAttachment = true;
    tail = text.slice(-64);
    await writer.write(chunk);
  };

  /** Adds a chunk to the held header section; flushes the section once its end has arrived. */
  const holdHeader = async (held: HeaderSection, chunk: Buffer): Promise<HeaderSection | null> => {
    const end = held.add(chunk);
    if (end >= 0) {
      const buf = held.bytes();
      if (end > MAX_HEADER_BYTES || countLines(buf.subarray(0, end)) > MAX_HEADER_LINES)
        refused = headerTooLarge();
      else await flushHeader(buf, end);
      return null;
    }
    if (held.length > MAX_HEADER_BYTES || held.lines > MAX_HEADER_LINES) refused = headerTooLarge();
    else if (held.length + prefix.length > options.maxSize) refused = tooLarge(options.maxSize);
    return refused ? null : held;
  };

  await writer.write(prefix);
  for await (const raw of stream) {
    if (refused) continue; // drain
    const chunk = normalize(typeof raw === 'string' ? Buffer.from(raw) : (raw as Buffer));
    if (header === null) await emit(chunk);
    else header = await holdHeader(header, chunk);
  }
  if (!refused) {
    const last = normalize();
    if (header !== null) header = await holdHeader(header, last);
    else if (last.length) await emit(last);
    // A message without an empty line is all header (RFC 5322 §2.1: the body is optional).
    if (header !== null && !refused) {
      const all = header.bytes();
      await flushHeader(all, all.length);
    }
  }
  if (refused) throw refused;
  return { head: Buffer.concat(headParts), size, sawAttachment };

  async function flushHeader(buf: Buffer, end: number) {
    const added = options.addHeaders?.(buf.subarray(0, end).toString('latin1')) ?? '';
    if (added) await emit(Buffer.from(added, 'utf8'));
    await emit(buf);
  }
}

/** The line normalizer's interface with nothing changed. */
const keepBytes = (chunk?: Buffer): Buffer => chunk ?? Buffer.alloc(0);

const tooLarge = (maxSize: number) =>
  new AppError('MESSAGE_TOO_LARGE', `message exceeds the size limit of ${maxSize} bytes`);

const headerTooLarge = () =>
  new AppError(
    'HEADER_TOO_LARGE',
    `message header section exceeds ${MAX_HEADER_BYTES} bytes or ${MAX_HEADER_LINES} lines`,
  );
