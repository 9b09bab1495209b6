/** A literal announced at the end of a line: `{n}`, `{n+}`, `~{n}` or `~{n+}`. */
export interface LiteralHeader {
  /** Octets that follow the line (may exceed what the session accepts; see `sizeOverflow`). */
  readonly size: number;
  /** True for a synchronizing literal: the client waits for `+` before sending it. */
  readonly sync: boolean;
  /** True for a literal8 (`~{n}`, RFC 3516 §4.1), which may hold NUL. */
  readonly binary: boolean;
  /** Offset in the line where the header starts (its `~` or `{`). */
  readonly start: number;
  /** True when the announced size has more digits than any limit could allow; `size` is then Infinity. */
  readonly sizeOverflow: boolean;
}

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
/** number64 (RFC 9051 §9) has at most 19 digits; more cannot be a size anyone accepts. */
const MAX_DIGITS = 19;

/**
 * The literal header that ends `line[from, end)`, or null. RFC 7888 §3: the
 * receiver checks the end of every line for `{` octet-count [`+`] `}`.
 */
export function findLiteralHeader(line: Buffer, from: number, end: number): LiteralHeader | null {
  let i = end - 1;
  if (i < from || line[i] !== 0x7d /* } */) return null;
  i--;
  const sync = line[i] !== 0x2b; /* + */
  if (!sync) i--;
  const digitsEnd = i + 1;
  while (i >= from && (line[i] as number) >= DIGIT_0 && (line[i] as number) <= DIGIT_9) i--;
  const digits = digitsEnd - (i + 1);
  if (digits === 0 || i < from || line[i] !== 0x7b /* { */) return null;
  const binary = i > from && line[i - 1] === 0x7e; /* ~ */
  const start = binary ? i - 1 : i;
  if (digits > MAX_DIGITS) return { size: Number.POSITIVE_INFINITY, sync, binary, start, sizeOverflow: true };
  const size = Number(line.toString('latin1', i + 1, digitsEnd));
  const sizeOverflow = !Number.isSafeInteger(size);
  return { size: sizeOverflow ? Number.POSITIVE_INFINITY : size, sync, binary, start, sizeOverflow };
}
