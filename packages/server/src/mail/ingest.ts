import type { Readable } from 'node:stream';
import { AppError } from '../shared/index.js';
import type { BlobWriter } from '../store/index.js';
import { splitHeaderSection } from './headers.js';

/** Bytes of the message kept in memory for index parsing (headers, preview). */
export const HEAD_BYTES = 256 * 1024;
/** A header section longer than this is treated as body (RFC 5322 sets no limit; this bounds memory). */
const MAX_HEADER_BYTES = 1024 * 1024;

export interface IngestOptions {
  /** Written before the message: our trace header(s). */
  prefix: string;
  maxSize: number;
  /** Returns header lines (CRLF-terminated) to add given the header section, e.g. a missing Message-ID. */
  addHeaders?: (headerSection: string) => string;
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
 * Streams a message into a blob writer: holds back only the header section
 * (to add missing headers), enforces `maxSize` while streaming, keeps the
 * first HEAD_BYTES for indexing and scans for attachments with a small
 * carry-over window. On overflow the rest of the input is drained (the SMTP
 * stream must be consumed) and MESSAGE_TOO_LARGE is thrown; nothing is kept.
 */
export async function ingest(
  stream: Readable,
  writer: BlobWriter,
  options: IngestOptions,
): Promise<IngestResult> {
  const prefix = Buffer.from(options.prefix, 'utf8');
  let size = prefix.length;
  let headerBuf: Buffer | null = Buffer.alloc(0);
  const headParts: Buffer[] = [];
  let headLen = 0;
  let tail = '';
  let sawAttachment = false;
  let tooLarge = false;

  const emit = async (chunk: Buffer) => {
    size += chunk.length;
    if (size > options.maxSize) {
      tooLarge = true;
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

  await writer.write(prefix);
  for await (const raw of stream) {
    if (tooLarge) continue; // drain
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : (raw as Buffer);
    if (headerBuf === null) {
      await emit(chunk);
      continue;
    }
    headerBuf = Buffer.concat([headerBuf, chunk]);
    const end = splitHeaderSection(headerBuf)?.headerEnd ?? -1;
    if (end < 0 && headerBuf.length < MAX_HEADER_BYTES) {
      if (headerBuf.length + prefix.length > options.maxSize) tooLarge = true;
      continue;
    }
    await flushHeader(headerBuf, end);
    headerBuf = null;
  }
  if (headerBuf !== null && !tooLarge) await flushHeader(headerBuf, headerBuf.length);
  if (tooLarge)
    throw new AppError('MESSAGE_TOO_LARGE', `message exceeds the size limit of ${options.maxSize} bytes`);
  return { head: Buffer.concat(headParts), size, sawAttachment };

  async function flushHeader(buf: Buffer, end: number) {
    const cut = end < 0 ? buf.length : end;
    const added = options.addHeaders?.(buf.subarray(0, cut).toString('latin1')) ?? '';
    if (added) await emit(Buffer.from(added, 'utf8'));
    await emit(buf);
  }
}
