const CR = 0x0d;
const LF = 0x0a;
const NUL = 0x00;
const CRLF = Buffer.from('\r\n');

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
    if (!pendingCR && isCanonical(chunk)) return chunk;
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
 * Whether `chunk` needs no change and leaves nothing pending: no NUL, every LF
 * right after a single CR, every CR right before an LF. The common case, found
 * with native searches only.
 */
function isCanonical(chunk: Buffer): boolean {
  if (chunk.length === 0) return true;
  if (chunk.indexOf(NUL) >= 0 || chunk[chunk.length - 1] === CR) return false;
  let crs = 0;
  for (let i = chunk.indexOf(CR); i >= 0; i = chunk.indexOf(CR, i + 1)) {
    if (chunk[i + 1] !== LF) return false;
    crs++;
  }
  let lfs = 0;
  for (let i = chunk.indexOf(LF); i >= 0; i = chunk.indexOf(LF, i + 1)) lfs++;
  // Every CR is followed by an LF, so equal counts leave no LF without its CR.
  return crs === lfs;
}
