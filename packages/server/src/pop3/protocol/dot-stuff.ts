const CR = 13;
const LF = 10;
const DOT = 0x2e;
const CRLF = Buffer.from('\r\n');
const DOT_BYTE = Buffer.from('.');
/** The end of a multi-line response (RFC 1939 §3). */
const TERMINATOR = Buffer.from('.\r\n');

/**
 * Encodes a message for a multi-line response as it streams (RFC 1939 §3):
 * a line that starts with `.` gets one more, and the response ends with
 * `CRLF.CRLF`. The bytes are otherwise the stored ones; a bare LF (a line
 * ending SMTP can never deliver) is sent as CRLF, since every response line
 * ends in CRLF, and a message whose last line has no line ending gets one
 * before the terminator. State carries across chunks, so a chunk may end
 * anywhere: between CR and LF, or right before a line's dot.
 */
export class DotStuffer {
  private atLineStart = true;
  private lastByte = -1;

  /** The encoded form of `chunk`: `chunk` itself when nothing in it needs a change. */
  push(chunk: Buffer): Buffer {
    if (chunk.length === 0) return chunk;
    const pieces: Buffer[] = [];
    let from = 0; // start of the bytes not yet copied to `pieces`
    let pos = 0;
    while (pos < chunk.length) {
      if (this.atLineStart && chunk[pos] === DOT) {
        pieces.push(chunk.subarray(from, pos), DOT_BYTE);
        from = pos;
      }
      const lf = chunk.indexOf(LF, pos);
      if (lf < 0) {
        this.atLineStart = false;
        break;
      }
      const before = lf > 0 ? chunk[lf - 1] : this.lastByte;
      if (before !== CR) {
        pieces.push(chunk.subarray(from, lf), CRLF);
        from = lf + 1;
      }
      this.atLineStart = true;
      pos = lf + 1;
    }
    this.lastByte = chunk[chunk.length - 1] as number;
    if (pieces.length === 0) return chunk;
    pieces.push(chunk.subarray(from));
    return Buffer.concat(pieces);
  }

  /** What ends the response: a line ending if the message lacked a last one, then `.` CRLF. */
  end(): Buffer {
    return this.atLineStart ? TERMINATOR : Buffer.concat([CRLF, TERMINATOR]);
  }
}

/** What a {@link DotUnstuffer} took from one chunk. */
export interface Unstuffed {
  /** Message bytes, leading dots removed. */
  data: Buffer;
  /** The terminating `.` line has been read. */
  done: boolean;
  /** Bytes after the terminator (the next response, when commands were pipelined). */
  rest: Buffer;
}

/**
 * The reverse of {@link DotStuffer}, as a client reads a multi-line response
 * body (after its status line): one leading `.` of each line is removed, and
 * a line that is only `.` ends it. Used by tests to check round trips; a
 * mail client does the same.
 */
export class DotUnstuffer {
  private atLineStart = true;
  /** A line began with `.`: it is the terminator if CRLF follows. */
  private dotLine = false;
  private sawCr = false;
  private done = false;

  push(chunk: Buffer): Unstuffed {
    const out: number[] = [];
    let i = 0;
    for (; i < chunk.length && !this.done; i++) {
      const b = chunk[i] as number;
      if (this.dotLine) {
        if (this.sawCr && b === LF) {
          this.done = true;
          continue;
        }
        if (b === CR && !this.sawCr) {
          this.sawCr = true;
          continue;
        }
        this.dotLine = false;
        if (this.sawCr) out.push(CR);
        this.sawCr = false;
      } else if (this.atLineStart && b === DOT) {
        this.dotLine = true;
        this.atLineStart = false;
        continue;
      }
      out.push(b);
      this.atLineStart = b === LF;
    }
    return { data: Buffer.from(out), done: this.done, rest: chunk.subarray(i) };
  }
}
