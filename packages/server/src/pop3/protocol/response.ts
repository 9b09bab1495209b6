/**
 * Extended response codes: RFC 2449 §8 (`IN-USE`, `LOGIN-DELAY`) and
 * RFC 3206 (`SYS/TEMP`, `SYS/PERM`, `AUTH`).
 */
export type ResponseCode = 'IN-USE' | 'LOGIN-DELAY' | 'SYS/TEMP' | 'SYS/PERM' | 'AUTH';

/** Status text is one line: CR, LF and other controls become spaces. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it replaces
const oneLine = (text: string) => text.replace(/[\x00-\x1f\x7f]/g, ' ');

/** `+OK text` CRLF (RFC 1939 §3). */
export function ok(text = ''): string {
  return text === '' ? '+OK\r\n' : `+OK ${oneLine(text)}\r\n`;
}

/** `-ERR [CODE] text` CRLF (RFC 2449 §8: the code in brackets right after the indicator). */
export function err(text: string, code?: ResponseCode): string {
  return `-ERR ${code ? `[${code}] ` : ''}${oneLine(text)}\r\n`;
}

/** A SASL continuation (RFC 5034 §4): `+ ` and the base64 challenge, empty for PLAIN. */
export function continuation(challenge = ''): string {
  return `+ ${challenge}\r\n`;
}

/**
 * A whole multi-line response (RFC 1939 §3) from short text lines: the status
 * line, each line dot-stuffed, then the terminating `.`.
 */
export function multiLine(status: string, lines: readonly string[]): string {
  let out = ok(status);
  for (const line of lines) out += `${line.startsWith('.') ? '.' : ''}${oneLine(line)}\r\n`;
  return `${out}.\r\n`;
}
