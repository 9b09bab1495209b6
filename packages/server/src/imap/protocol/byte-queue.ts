/**
 * The bytes a client has sent that the reader has not consumed yet: the
 * socket's chunks as they came, read from the front without copying where a
 * piece lies within one chunk. Finding a line end resumes where the last look
 * stopped, so a line that trickles in byte by byte is scanned once, not once
 * per byte (a quadratic scan would let a slow client burn the CPU).
 */
export class ByteQueue {
  private chunks: Buffer[] = [];
  /** Index in `chunks` of the first chunk with unread bytes. */
  private first = 0;
  /** Offset of the first unread byte in `chunks[first]`. */
  private head = 0;
  private total = 0;
  /** Bytes from the front known to hold no LF, and where that scan stopped. */
  private scanned = 0;
  private scanChunk = 0;
  private scanPos = 0;

  /** Bytes waiting to be read. */
  get length(): number {
    return this.total;
  }

  /** Appends a chunk the client sent. */
  push(chunk: Buffer): void {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.total += chunk.length;
    }
  }

  /**
   * The offset of the first LF from the front, looking at no more than
   * `limit` bytes; -1 when none is there (yet).
   */
  indexOfLf(limit: number): number {
    while (this.scanned < limit && this.scanChunk < this.chunks.length) {
      const chunk = this.chunks[this.scanChunk] as Buffer;
      const from = this.scanPos;
      const end = Math.min(chunk.length, from + (limit - this.scanned));
      const at = chunk.indexOf(0x0a, from);
      if (at !== -1 && at < end) return this.scanned + (at - from);
      this.scanned += end - from;
      if (end === chunk.length) {
        this.scanChunk++;
        this.scanPos = 0;
      } else {
        this.scanPos = end;
      }
    }
    return -1;
  }

  /** The first `n` bytes (at most what is queued), without consuming them; copied only if they span chunks. */
  peek(n: number): Buffer {
    const want = Math.min(n, this.total);
    const front = this.chunks[this.first];
    if (!front) return Buffer.alloc(0);
    if (front.length - this.head >= want) return front.subarray(this.head, this.head + want);
    const out = Buffer.allocUnsafe(want);
    let filled = 0;
    for (let i = this.first; filled < want; i++) {
      const chunk = this.chunks[i] as Buffer;
      const from = i === this.first ? this.head : 0;
      filled += chunk.copy(out, filled, from, Math.min(chunk.length, from + (want - filled)));
    }
    return out;
  }

  /** Consumes and returns the first `n` bytes as one buffer. */
  take(n: number): Buffer {
    const out = this.peek(n);
    this.skip(out.length);
    return out;
  }

  /** Consumes up to `n` bytes and returns them as the pieces they arrived in (no copy). */
  takePieces(n: number): Buffer[] {
    const pieces: Buffer[] = [];
    let left = Math.min(n, this.total);
    while (left > 0) {
      const chunk = this.chunks[this.first] as Buffer;
      const size = Math.min(left, chunk.length - this.head);
      pieces.push(chunk.subarray(this.head, this.head + size));
      this.skip(size);
      left -= size;
    }
    return pieces;
  }

  /** Drops the first `n` bytes (at most what is queued). */
  skip(n: number): void {
    let left = Math.min(n, this.total);
    this.total -= left;
    const rescan = left > this.scanned;
    this.scanned = rescan ? 0 : this.scanned - left;
    while (left > 0) {
      const chunk = this.chunks[this.first] as Buffer;
      const size = chunk.length - this.head;
      if (left < size) {
        this.head += left;
        break;
      }
      left -= size;
      this.first++;
      this.head = 0;
    }
    if (rescan) {
      this.scanChunk = this.first;
      this.scanPos = this.head;
    }
    this.compact();
  }

  /** Forgets everything queued. */
  clear(): void {
    this.chunks = [];
    this.first = this.head = this.total = 0;
    this.scanned = this.scanChunk = this.scanPos = 0;
  }

  /** Drops consumed chunks from the array now and then (not on every read: that would be quadratic). */
  private compact(): void {
    if (this.first === this.chunks.length) {
      this.chunks = [];
      this.scanChunk = this.first = 0;
      this.scanPos = this.head;
    } else if (this.first > 64 && this.first * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.first);
      this.scanChunk -= this.first;
      this.first = 0;
    }
  }
}
