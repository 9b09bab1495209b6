/**
 * Modified UTF-7 mailbox names (RFC 9051 §5.1.3, RFC 3501 §5.1.3), written
 * here from the RFC for the test tools, independent of the server's own
 * codec: `项目` ⇄ `&mHl27g-`.
 */

/** Encodes a UTF-8 mailbox name as modified UTF-7. */
export function encodeMutf7(name: string): string {
  let out = '';
  let run = '';
  const flush = () => {
    if (!run) return;
    const utf16 = Buffer.from(run, 'utf16le').swap16();
    out += `&${utf16.toString('base64').replace(/=+$/, '').replaceAll('/', ',')}-`;
    run = '';
  };
  for (const ch of name) {
    const c = ch.codePointAt(0) ?? 0;
    if (c >= 0x20 && c <= 0x7e) {
      flush();
      out += ch === '&' ? '&-' : ch;
    } else run += ch;
  }
  flush();
  return out;
}

/** Decodes a modified UTF-7 mailbox name to UTF-8; throws on a malformed one. */
export function decodeMutf7(name: string): string {
  return name.replace(/&([^-]*)-/g, (_all, b64: string) => {
    if (b64 === '') return '&';
    if (!/^[A-Za-z0-9+,]+$/.test(b64)) throw new Error(`bad modified UTF-7 in ${JSON.stringify(name)}`);
    const bytes = Buffer.from(b64.replaceAll(',', '/'), 'base64');
    if (bytes.length % 2 !== 0) throw new Error(`odd UTF-16 length in ${JSON.stringify(name)}`);
    return Buffer.from(bytes).swap16().toString('utf16le');
  });
}
