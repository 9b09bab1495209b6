/**
 * One byte range of what a blob writer was given, replaced when it finishes:
 * bytes `start` (inclusive) to `end` (exclusive) of the written bytes (not
 * counting the finish prefix) become `bytes`. `start === end` inserts. The
 * filter uses it to rewrite the top-level Subject field (`tagSubject`).
 */
export interface ByteReplacement {
  start: number;
  end: number;
  bytes: Buffer;
}

/** Throws unless `replace` lies within `size` written bytes (a caller's bug, never a client's). */
export function assertReplacementWithin(replace: ByteReplacement, size: number): void {
  const { start, end } = replace;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > size)
    throw new RangeError(`byte replacement ${start}..${end} is outside the ${size} bytes written`);
}

/** How many bytes the replacement adds (negative: removes). */
export const replacementDelta = (replace: ByteReplacement | undefined): number =>
  replace ? replace.bytes.length - (replace.end - replace.start) : 0;

/**
 * The pieces to write for `chunk`, which holds written bytes `pos` to
 * `pos + chunk.length`: the parts outside the replaced range, and the new
 * bytes once, where the range starts. Chunks must come in order and
 * back to back; the pieces are views of `chunk` (no copy).
 */
export function editChunk(chunk: Buffer, pos: number, replace: ByteReplacement | undefined): Buffer[] {
  if (!replace) return [chunk];
  const { start, end, bytes } = replace;
  const last = pos + chunk.length;
  const out: Buffer[] = [];
  // Kept before the range.
  if (pos < start) out.push(chunk.subarray(0, Math.min(chunk.length, start - pos)));
  // The new bytes, in the chunk where the range starts (an insertion after the last byte: `editTail`).
  if (start >= pos && start < last) out.push(bytes);
  // Kept after the range.
  if (last > end) out.push(chunk.subarray(Math.max(0, end - pos)));
  return out.filter((b) => b.length > 0);
}

/** What to write after the last chunk of `size` written bytes: the new bytes of an insertion at the very end. */
export const editTail = (size: number, replace: ByteReplacement | undefined): Buffer[] =>
  replace && replace.start === size && replace.bytes.length > 0 ? [replace.bytes] : [];
