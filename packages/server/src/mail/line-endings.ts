const CR = 0x0d;
const LF = 0x0a;
const NUL = 0x00;
const CRLF = Buffer.from('\r\n');
const CR_ONLY = Buffer.from('\r');

/**
 * Makes a message's line endings canonical while it streams in, before it is
 * stored (and so before anything could relay it):
 *
 * - a bare LF becomes CRLF, as Postfix ≥ 3.9 does by default
 *   (`smtpd_forbid_bare_newline = normal`: only CRLF.CRLF ends DATA, other
 *   lines ending in LF are read as if they ended in CRLF);
 * - CRs before a line ending collapse into it (`\r\r\n`, text converted twice,
 *   is one line break), and a CR elsewhere ends a line: RFC 5321 §2.3.8 says a
 *   bare CR or LF is meant as a line terminator;
 * - NUL bytes are removed (RFC 5322 §3.5 and RFC 5321 §4.1.1.4 allow none).
 *
 * So the stored message has CRLF line endings only. That is what defeats SMTP
 * smuggling (CVE-2023-51764 and kin) past this server: a `<LF>.<LF>` or
 * `<CR>.<CR>` that did not end DATA here (smtp-server ends it at CRLF.CRLF
 * only) is stored as an ordinary line holding a dot, which every SMTP client
 * dot-stuffs when it relays the message (RFC 5321 §4.5.2), so no other MTA can
 * read it as the end of the data, whatever line endings that MTA accepts.
 *
 * Returns a function to call with each chunk (what it returns is the chunk to
 * store) and with no argument at the end (a CR left pending).
 */
export function createLineNormalizer(): (chunk?: Buffer) => Buffer {
  let pendingCR = false; // the previous chunk ended in CR(s) not yet followed by their LF
  return (chunk) => {
    if (chunk === undefined) {
      const rest = pendingCR ? CRLF : Buffer.alloc(0);
      pendingCR = false;
      return rest;
    }
    if (isCanonical(chunk, pendingCR)) {
      // A CR ending the chunk waits for the LF that starts the next one.
      const endsInCR = chunk[chunk.length - 1] === CR;
      const body = endsInCR ? chunk.subarray(0, chunk.length - 1) : chunk;
      const out = pendingCR ? Buffer.concat([CR_ONLY, body]) : body;
      pendingCR = endsInCR;
      return out;
    }
    const out = Buffer.allocUnsafe(chunk.length * 2 + 2);
    let n = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      if (byte === NUL) continue;
      if (byte === CR) {
        pendingCR = true;
        continue;
      }
      if (pendingCR || byte === LF) {
        out[n++] = CR;
        out[n++] = LF;
        pendingCR = false;
        if (byte === LF) continue;
      }
      out[n++] = byte;
    }
    return out.subarray(0, n);
  };
}

/**
 * Whether `chunk` needs no change but for a CR held over: no NUL, every LF right
 * after a single CR (the first one after the CR the last chunk ended with, when
 * `afterCR`), every CR right before an LF but for one ending the chunk. The
 * common case, found with native searches only.
 */
function isCanonical(chunk: Buffer, afterCR: boolean): boolean {
  if (chunk.length === 0) return !afterCR;
  if (afterCR && chunk[0] !== LF) return false;
  if (chunk.indexOf(NUL) >= 0) return false;
  let crs = afterCR ? 1 : 0;
  for (let i = chunk.indexOf(CR); i >= 0; i = chunk.indexOf(CR, i + 1)) {
    if (i === chunk.length - 1) break; // held over for the next chunk
    if (chunk[i + 1] !== LF) return false;
    crs++;
  }
  let lfs = 0;
  for (let i = chunk.indexOf(LF); i >= 0; i = chunk.indexOf(LF, i + 1)) lfs++;
  // Every CR counted is followed by an LF, so equal counts leave no LF without its CR.
  return crs === lfs;
}
