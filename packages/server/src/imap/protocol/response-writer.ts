import type { ConcatValue, EncodeOptions, ResponseValue, StreamedValue } from './response-value.js';

/** A piece of an encoded response: bytes to write, or a streamed literal body to pipe. */
export type ResponsePart = Buffer | StreamedValue;

/** Longest string sent quoted; longer ones are literals (keeps response lines short). */
const MAX_QUOTED = 1024;

/**
 * Builds one response as text and bytes: values are appended with
 * {@link ResponseWriter.value}, separated by the caller. Text accumulates in a
 * string and becomes a Buffer only around literals, so a FLAGS-only FETCH
 * line costs one allocation.
 */
export class ResponseWriter {
  private text = '';
  private readonly parts: ResponsePart[] = [];

  constructor(private readonly options: EncodeOptions) {}

  /** Appends protocol text (must be ASCII or UTF-8 already checked by the caller). */
  raw(text: string): this {
    this.text += text;
    return this;
  }

  /** Appends a value in its wire form. */
  value(value: ResponseValue): this {
    if (value === null) this.text += 'NIL';
    else if (typeof value === 'number') this.text += formatNumber(value);
    else if (typeof value === 'string') this.string(value);
    else if (Buffer.isBuffer(value)) this.bytes(value);
    else if (Array.isArray(value)) this.list(value);
    else if ('atom' in value) this.text += value.atom;
    else if ('literal' in value) this.literal(toBuffer(value.literal), value.binary === true);
    else if ('stream' in value) this.streamed(value);
    else if ('concat' in value) for (const item of (value as ConcatValue).concat) this.value(item);
    return this;
  }

  /** The response as parts; ends with the text written last. */
  finish(): ResponsePart[] {
    if (this.text) this.parts.push(Buffer.from(this.text, 'utf8'));
    this.text = '';
    return this.parts;
  }

  private list(items: readonly ResponseValue[]): void {
    this.text += '(';
    items.forEach((item, i) => {
      if (i > 0) this.text += ' ';
      this.value(item);
    });
    this.text += ')';
  }

  private string(value: string): void {
    if (value.length <= MAX_QUOTED && quotable(value, this.options.utf8)) this.text += quote(value);
    else this.literal(Buffer.from(value, 'utf8'), false);
  }

  private bytes(value: Buffer): void {
    const eightBit = value.some((b) => b >= 0x80);
    if (value.length <= MAX_QUOTED && !eightBit && quotable(value.toString('latin1'), false)) {
      this.text += quote(value.toString('latin1'));
    } else if (value.length <= MAX_QUOTED && eightBit && this.options.utf8 && isUtf8(value)) {
      this.string(value.toString('utf8'));
    } else this.literal(value, false);
  }

  private literal(bytes: Buffer, binary: boolean): void {
    this.text += `${binary ? '~' : ''}{${bytes.length}}\r\n`;
    this.parts.push(Buffer.from(this.text, 'utf8'), bytes);
    this.text = '';
  }

  private streamed(value: StreamedValue): void {
    this.text += `${value.binary ? '~' : ''}{${value.size}}\r\n`;
    this.parts.push(Buffer.from(this.text, 'utf8'), value);
    this.text = '';
  }
}

/** A string may be quoted if it has no CR, LF or NUL, and no 8-bit character unless UTF-8 is allowed. */
function quotable(text: string, utf8: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0 || c === 0x0a || c === 0x0d) return false;
    if (c >= 0x80 && (!utf8 || (c >= 0xd800 && c <= 0xdfff && !pairedSurrogate(text, i)))) return false;
  }
  return true;
}

function pairedSurrogate(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c <= 0xdbff) {
    const next = text.charCodeAt(i + 1);
    return next >= 0xdc00 && next <= 0xdfff;
  }
  const prev = text.charCodeAt(i - 1);
  return prev >= 0xd800 && prev <= 0xdbff;
}

function quote(text: string): string {
  return `"${text.replace(/[\\"]/g, '\\$&')}"`;
}

function isUtf8(bytes: Buffer): boolean {
  return Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes);
}

function toBuffer(value: Buffer | string): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

function formatNumber(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not an IMAP number: ${value}`);
  return String(value);
}

/** Joins parts that hold no streamed literal into one Buffer. */
export function joinParts(parts: readonly ResponsePart[]): Buffer {
  return Buffer.concat(
    parts.map((part) => {
      if (Buffer.isBuffer(part)) return part;
      throw new TypeError('a response with a streamed literal cannot be joined; write its parts in order');
    }),
  );
}
