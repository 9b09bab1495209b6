import type { ImapProtocolError } from './errors.js';
import { formatResponseCode, type ResponseCode } from './response-code.js';

/** The conditions of status responses (RFC 9051 §7.1). */
export type Condition = 'OK' | 'NO' | 'BAD' | 'BYE' | 'PREAUTH';

/**
 * `<tag> <condition> [code] text` — tagged, or untagged with tag `*`
 * (greeting, BYE, untagged OK/NO/BAD). The text is made one line (CR, LF and
 * NUL become spaces) and never empty: some clients (Outlook) want text
 * after `BYE`. Non-ASCII characters become `?` unless `utf8` (text may be
 * UTF-8 only after ENABLE IMAP4rev2, RFC 9051 §9 text).
 */
export function statusLine(
  tag: string,
  condition: Condition,
  text: string,
  code?: ResponseCode,
  options: { utf8?: boolean } = {},
): Buffer {
  const oneLine = text.replace(/[\r\n\0]+/g, ' ').trim() || 'Done';
  const safe = options.utf8 ? oneLine : oneLine.replace(/[^\x20-\x7e]/g, '?');
  const bracket = code ? `[${formatResponseCode(code).replace(/[\r\n\0\]]/g, ' ')}] ` : '';
  return Buffer.from(`${tag} ${condition} ${bracket}${safe}\r\n`, 'utf8');
}

/** A command continuation request (RFC 9051 §7.6): `+ text`. */
export function continuation(text = 'Ready for literal data'): Buffer {
  return Buffer.from(`+ ${text.replace(/[\r\n\0]+/g, ' ')}\r\n`, 'utf8');
}

/** A SASL challenge: `+ base64` (RFC 9051 §6.2.2); an empty challenge is `+ ` (RFC 4959 §3). */
export function saslChallenge(data: Buffer): Buffer {
  return Buffer.from(`+ ${data.toString('base64')}\r\n`, 'latin1');
}

/** The answer to a refused command: tagged, or untagged when the tag is unknown. */
export function refusalLine(
  tag: string | null,
  error: ImapProtocolError,
  options: { utf8?: boolean } = {},
): Buffer {
  return statusLine(tag ?? '*', error.status, error.message, error.code, options);
}
