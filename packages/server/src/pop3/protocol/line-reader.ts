/** What the reader found in the input: a whole command line, or one that ran past the limit. */
export type LineEvent = { kind: 'line'; text: string } | { kind: 'too-long' };

/**
 * Splits a POP3 client's byte stream into command lines with a bounded
 * length. A line ends at LF; a CR before it is dropped (RFC 1939 §3 says
 * CRLF, and a bare LF is read the same, as every mail server does). A line
 * longer than `maxLineBytes` is reported once as `too-long` and the rest of it,
 * up to its LF, is dropped unbuffered: a client can never make the reader
 * hold more than `maxLineBytes`. Pure bookkeeping: no timers, no sockets.
 */
export class LineReader {
  private parts: Buffer[] = [];
  private buffered = 0;
  /** Inside a line that ran past the limit: bytes are dropped until its LF. */
  private skipping = false;

  constructor(private readonly maxLineBytes: number) {}

  /** Bytes of a line begun and not yet ended: the client owes the rest. */
  get pendingBytes(): number {
    return this.skipping ? 1 : this.buffered;
  }

  /** Drops whatever is buffered (STLS: nothing sent before the handshake may be read after it). */
  reset(): void {
    this.parts = [];
    this.buffered = 0;
    this.skipping = false;
  }

  /** Takes a chunk; returns the lines it completed, in order. */
  push(chunk: Buffer): LineEvent[] {
    const events: LineEvent[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      const lf = chunk.indexOf(10, pos);
      const end = lf < 0 ? chunk.length : lf;
      if (this.skipping) {
        if (lf >= 0) this.skipping = false;
      } else if (this.buffered + (end - pos) > this.maxLineBytes) {
        this.reset();
        this.skipping = lf < 0;
        events.push({ kind: 'too-long' });
      } else if (lf < 0) {
        this.parts.push(chunk.subarray(pos));
        this.buffered += chunk.length - pos;
      } else {
        events.push({ kind: 'line', text: this.take(chunk.subarray(pos, lf)) });
      }
      pos = end + 1;
    }
    return events;
  }

  /** The buffered start of a line and its `tail`, without the CR before the LF. */
  private take(tail: Buffer): string {
    const whole = this.parts.length === 0 ? tail : Buffer.concat([...this.parts, tail]);
    this.parts = [];
    this.buffered = 0;
    const length = whole.at(-1) === 13 ? whole.length - 1 : whole.length;
    return whole.toString('utf8', 0, length);
  }
}
