const CR = 13;
const LF = 10;

/** What a {@link TopFilter} passes on from one chunk. */
export interface TopOutput {
  /** The part of the chunk that belongs to the answer. */
  data: Buffer;
  /** Everything TOP sends has passed: stop reading the message. */
  done: boolean;
}

/**
 * Cuts a message for TOP (RFC 1939 §7): its header section, the empty line
 * after it, and the first `bodyLines` lines of the body. A message without
 * an empty line is all header and is passed whole. Lines end at LF (CRLF
 * or bare LF alike); chunks may split a line anywhere.
 */
export class TopFilter {
  private inHeader = true;
  /** Bytes of the current line before its LF, counted across chunks. */
  private lineBytes = 0;
  private lastByte = -1;
  private linesLeft: number;
  private finished = false;

  constructor(bodyLines: number) {
    this.linesLeft = bodyLines;
  }

  push(chunk: Buffer): TopOutput {
    if (this.finished) return { data: chunk.subarray(0, 0), done: true };
    let pos = 0;
    for (let lf = chunk.indexOf(LF); lf >= 0; lf = chunk.indexOf(LF, pos)) {
      const length = this.lineBytes + (lf - pos);
      const before = lf > 0 ? chunk[lf - 1] : this.lastByte;
      const empty = length === 0 || (length === 1 && before === CR);
      pos = lf + 1;
      this.lineBytes = 0;
      if (this.inHeader) {
        if (empty) this.inHeader = false;
      } else {
        this.linesLeft--;
      }
      if (!this.inHeader && this.linesLeft === 0) return this.finish(chunk, pos);
    }
    this.lineBytes += chunk.length - pos;
    if (chunk.length > 0) this.lastByte = chunk[chunk.length - 1] as number;
    return { data: chunk, done: false };
  }

  private finish(chunk: Buffer, end: number): TopOutput {
    this.finished = true;
    return { data: chunk.subarray(0, end), done: true };
  }
}
