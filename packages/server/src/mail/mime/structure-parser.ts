import { type ContentType, parseContentType, parseEncoding } from './content-fields.js';
import type { MimeEntity } from './entity.js';
import { type HeaderBudget, HeaderCollector } from './header-collector.js';

/** Parts per message past which boundaries are no longer looked for (Dovecot's limit too). */
export const MAX_PARTS = 10_000;
/** Nesting depth past which a multipart or message/rfc822 is read as a plain part. */
export const MAX_DEPTH = 100;
/** Header bytes kept per message over all its parts (see `HeaderBudget`). */
export const MAX_KEPT_HEADER_BYTES = 1024 * 1024;
/** Bytes of a header line looked at; the rest of a longer line is skipped (its bytes still count). */
const MAX_HEADER_LINE = 128 * 1024;
/** Longest boundary honoured (RFC 2046 §5.1.1 says 70; senders exceed it, not by this much). */
const MAX_BOUNDARY = 998;

interface MutableEntity {
  headerStart: number;
  headerSize: number;
  bodyStart: number;
  bodySize: number;
  bodyLines: number;
  fields: MimeEntity['fields'];
  contentType: ContentType | null;
  type: string;
  subtype: string;
  children?: MutableEntity[];
  message?: MutableEntity;
}

interface Frame {
  readonly entity: MutableEntity;
  inHeader: boolean;
  collector: HeaderCollector | null;
  /** `--boundary` of a multipart in its body, until its close delimiter; null otherwise. */
  delimiter: Buffer | null;
  /** Children default to message/rfc822 (RFC 2046 §5.1.5 multipart/digest). */
  digest: boolean;
  /** Line feeds before the body started. */
  lfAtBody: number;
  readonly depth: number;
}

const DASH = 0x2d;

/**
 * Finds the MIME structure of a message as its bytes stream by (RFC 2045,
 * RFC 2046 §5.1): every part's header and body offsets, sizes and line
 * counts, and its Content-* fields (and a message's envelope fields), in
 * one pass with memory bounded by the structure, never by the message.
 * Delimiters are matched as Dovecot does: a line that starts with `--` and
 * an open multipart's boundary, the innermost and longest one winning, ends
 * every part below that multipart. Line endings may be CRLF or LF.
 */
export class StructureParser {
  private offset = 0;
  private lf = 0;
  private parts = 1;
  private readonly stack: Frame[] = [];
  private readonly root: MutableEntity;
  private readonly budget: HeaderBudget = { remaining: MAX_KEPT_HEADER_BYTES };
  /** The line being read: where it started, the first bytes of it, the length of the last line's break. */
  private lineStart = 0;
  private linePieces: Buffer[] = [];
  private lineKept = 0;
  private prevBreak = 0;
  /** The last byte written was a CR (a CRLF split between two writes). */
  private lastCr = false;
  private longestDelimiter = 0;

  constructor() {
    this.root = newEntity(0);
    this.stack.push(this.frame(this.root, true, 0));
  }

  /** True once the top-level header section has been read (ENVELOPE needs no more). */
  get headerDone(): boolean {
    return !(this.stack[0] as Frame).inHeader;
  }

  /** Feeds the next bytes of the message. */
  write(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      const lf = chunk.indexOf(0x0a, pos);
      const end = lf < 0 ? chunk.length : lf + 1;
      this.keep(chunk, pos, end);
      this.offset += end - pos;
      const crlf = lf > 0 ? chunk[lf - 1] === 0x0d : lf === 0 && this.lastCr;
      this.lastCr = chunk[end - 1] === 0x0d;
      pos = end;
      if (lf >= 0) {
        this.endLine(crlf ? 2 : 1);
        this.lf++;
      }
    }
  }

  /** Ends the message and returns its structure. */
  end(): MimeEntity {
    if (this.offset > this.lineStart) this.endLine(0);
    for (let i = this.stack.length - 1; i >= 0; i--) this.close(this.stack[i] as Frame, this.offset, this.lf);
    this.stack.length = 0;
    return this.root;
  }

  // ── lines ───────────────────────────────────────────────────────────────

  /** How much of the current line is worth keeping: all of a header line, the start of a possible delimiter. */
  private wanted(): number {
    const top = this.stack[this.stack.length - 1] as Frame;
    if (top.inHeader) return MAX_HEADER_LINE;
    return this.longestDelimiter > 0 ? this.longestDelimiter + 2 : 0;
  }

  private keep(chunk: Buffer, from: number, to: number): void {
    const room = this.wanted() - this.lineKept;
    if (room <= 0) return;
    // A body line that does not start with "--" can be no delimiter: keep nothing of it.
    if (this.lineKept === 0 && !(this.stack[this.stack.length - 1] as Frame).inHeader) {
      if (chunk[from] !== DASH) {
        this.lineKept = -1;
        return;
      }
    }
    if (this.lineKept < 0) return;
    const piece = chunk.subarray(from, Math.min(to, from + room));
    this.linePieces.push(piece);
    this.lineKept += piece.length;
  }

  /** A line ended (`breakLength` 0 for a last line without a line break). */
  private endLine(breakLength: number): void {
    const line = this.lineKept > 0 ? Buffer.concat(this.linePieces, this.lineKept) : null;
    this.linePieces = [];
    this.lineKept = 0;
    const start = this.lineStart;
    this.lineStart = this.offset;
    const handled = line !== null && line[0] === DASH && line[1] === DASH && this.delimiterLine(line, start);
    if (!handled) {
      const top = this.stack[this.stack.length - 1] as Frame;
      if (top.inHeader) this.headerLine(top, line, breakLength);
    }
    this.prevBreak = breakLength;
  }

  private headerLine(frame: Frame, line: Buffer | null, breakLength: number): void {
    const content = line ? line.subarray(0, Math.max(0, line.length - breakLength)) : Buffer.alloc(0);
    if (content.length === 0 && breakLength > 0) this.bodyStarts(frame, this.offset);
    else frame.collector?.line(content.toString('latin1'));
  }

  // ── delimiters ──────────────────────────────────────────────────────────

  /** Handles `line` if it is a delimiter of an open multipart; returns whether it was. */
  private delimiterLine(line: Buffer, lineStart: number): boolean {
    if (this.parts > MAX_PARTS) return false;
    let owner = -1;
    let length = 0;
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const d = (this.stack[i] as Frame).delimiter;
      if (!d || d.length <= length || line.length < d.length) continue;
      if (line.compare(d, 0, d.length, 0, d.length) !== 0) continue;
      owner = i;
      length = d.length;
    }
    if (owner < 0) return false;
    const closeAt = lineStart - this.prevBreak;
    const lfAtClose = this.lf - (this.prevBreak > 0 ? 1 : 0);
    for (let i = this.stack.length - 1; i > owner; i--)
      this.close(this.stack[i] as Frame, closeAt, lfAtClose);
    this.stack.length = owner + 1;
    const multipart = this.stack[owner] as Frame;
    if (line[length] === DASH && line[length + 1] === DASH) {
      multipart.delimiter = null; // the close delimiter: what follows is epilogue
      this.updateLongest();
      return true;
    }
    const child = newEntity(this.offset);
    if (multipart.digest) {
      child.type = 'message';
      child.subtype = 'rfc822';
    }
    multipart.entity.children?.push(child);
    this.parts++;
    this.stack.push(this.frame(child, false, multipart.depth + 1));
    return true;
  }

  private updateLongest(): void {
    this.longestDelimiter = 0;
    for (const f of this.stack)
      if (f.delimiter) this.longestDelimiter = Math.max(this.longestDelimiter, f.delimiter.length);
  }

  // ── entities ────────────────────────────────────────────────────────────

  private frame(entity: MutableEntity, isMessage: boolean, depth: number): Frame {
    return {
      entity,
      inHeader: true,
      collector: new HeaderCollector(isMessage, this.budget),
      delimiter: null,
      digest: false,
      lfAtBody: 0,
      depth,
    };
  }

  /** The header section of `frame` ended at `bodyStart`: decide what its body is. */
  private bodyStarts(frame: Frame, bodyStart: number): void {
    const e = this.finishHeader(frame, bodyStart);
    frame.lfAtBody = this.lf + 1; // the empty line's own line feed is counted after this call
    if (e.type === 'multipart') {
      e.children = [];
      const boundary = paramOf(e.contentType, 'boundary');
      if (boundary && boundary.length <= MAX_BOUNDARY && frame.depth < MAX_DEPTH) {
        frame.delimiter = Buffer.from(`--${boundary}`, 'latin1');
        frame.digest = e.subtype === 'digest';
        this.updateLongest();
      }
      return;
    }
    if (encloses(e) && frame.depth < MAX_DEPTH && this.parts <= MAX_PARTS) {
      const message = newEntity(bodyStart);
      e.message = message;
      this.parts++;
      this.stack.push(this.frame(message, true, frame.depth + 1));
    }
  }

  /** Ends a frame's header at `bodyStart` and sets its type; returns its entity. */
  private finishHeader(frame: Frame, bodyStart: number): MutableEntity {
    const e = frame.entity;
    frame.inHeader = false;
    frame.collector?.finish();
    e.fields = frame.collector?.fields ?? {};
    frame.collector = null;
    e.headerSize = Math.max(0, bodyStart - e.headerStart);
    e.bodyStart = e.headerStart + e.headerSize;
    const declared = e.fields['content-type'];
    e.contentType = declared === undefined ? null : parseContentType(declared);
    if (e.contentType) {
      e.type = e.contentType.type.toLowerCase();
      e.subtype = e.contentType.subtype.toLowerCase();
    }
    return e;
  }

  /** Ends `frame`'s entity at `end` (exclusive) with `lfAtEnd` line feeds before it. */
  private close(frame: Frame, end: number, lfAtEnd: number): void {
    const e = frame.entity;
    if (frame.inHeader) {
      this.finishHeader(frame, end);
      if (e.type === 'multipart') e.children = [];
      else if (encloses(e)) e.message = newEntity(e.bodyStart);
      return;
    }
    e.bodySize = Math.max(0, end - e.bodyStart);
    e.bodyLines = e.bodySize > 0 ? Math.max(0, lfAtEnd - frame.lfAtBody) : 0;
    if (frame.delimiter) {
      frame.delimiter = null;
      this.updateLongest();
    }
  }
}

function newEntity(headerStart: number): MutableEntity {
  return {
    headerStart,
    headerSize: 0,
    bodyStart: headerStart,
    bodySize: 0,
    bodyLines: 0,
    fields: {},
    contentType: null,
    type: 'text',
    subtype: 'plain',
  };
}

/** A parameter's value by case-insensitive name. */
function paramOf(type: ContentType | null, name: string): string | undefined {
  return type?.params.find(([n]) => n.toLowerCase() === name)?.[1];
}

/**
 * Whether a part's body is parsed as an enclosed message: message/rfc822
 * not hidden by base64 or quoted-printable (RFC 2046 §5.2.1 allows only
 * 7bit, 8bit and binary). message/global stays opaque, as in Dovecot.
 */
function encloses(e: MutableEntity): boolean {
  if (e.type !== 'message' || e.subtype !== 'rfc822') return false;
  const cte = e.fields['content-transfer-encoding'];
  const encoding = cte === undefined ? null : parseEncoding(cte)?.toLowerCase();
  return encoding !== 'base64' && encoding !== 'quoted-printable';
}
