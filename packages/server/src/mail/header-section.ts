const CRLF2 = Buffer.from('\r\n\r\n');

/** Counts line feeds in `buf` (from `from`). */
export function countLines(buf: Buffer, from = 0): number {
  let n = 0;
  for (let i = buf.indexOf(0x0a, from); i >= 0; i = buf.indexOf(0x0a, i + 1)) n++;
  return n;
}

/**
 * Collects a message's header section as it streams in, chunk by chunk, and
 * finds its end (RFC 5322 §2.1: the first empty line) in the new bytes only:
 * a client that sends its header a byte at a time costs linear work, not
 * quadratic. Expects CRLF line endings (ingest normalizes them first).
 */
export class HeaderSection {
  private readonly parts: Buffer[] = [];
  /** Bytes held. */
  length = 0;
  /** Line feeds held (the lines of the section while its end has not arrived). */
  lines = 0;
  private carry: Buffer = Buffer.alloc(0);

  /**
   * Holds `chunk`; returns where the section ends in the held bytes (the CRLF
   * of its last line included, so the empty line starts there), or -1 while
   * no empty line has arrived.
   */
  add(chunk: Buffer): number {
    const windowStart = this.length - this.carry.length;
    const window = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    this.parts.push(chunk);
    this.length += chunk.length;
    this.lines += countLines(chunk);
    this.carry = window.subarray(Math.max(0, window.length - 3));
    // A message that starts with the empty line has no header at all.
    if (windowStart === 0 && window[0] === 0x0d && window[1] === 0x0a) return 0;
    const at = window.indexOf(CRLF2);
    return at < 0 ? -1 : windowStart + at + 2;
  }

  /** The bytes held, in one buffer. */
  bytes(): Buffer {
    return Buffer.concat(this.parts, this.length);
  }
}
