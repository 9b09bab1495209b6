import iconv from 'iconv-lite';
import { ImapProtocolError, syntaxError } from './errors.js';

/**
 * Modified UTF-7 (RFC 3501 §5.1.3, RFC 9051 §5.1.3): printable ASCII as
 * itself, `&` as `&-`, everything else as `&` + modified base64 of UTF-16
 * + `-`. `收件箱/项目` ↔ `&ZTZO9nux-/&mHl27g-`.
 */
export function encodeModifiedUtf7(name: string): string {
  return iconv.encode(name, 'utf7imap').toString('latin1');
}

/**
 * Decodes modified UTF-7; throws a NO [CANNOT] for text that is not its one
 * canonical form (8-bit bytes, a printable character base64-encoded, a
 * missing `-`, broken UTF-16), so that two wire names never mean one mailbox.
 */
export function decodeModifiedUtf7(wire: string): string {
  if (!/^[\x20-\x7e]*$/.test(wire)) throw invalidName(wire);
  const name = iconv.decode(Buffer.from(wire, 'latin1'), 'utf7imap');
  if (LONE_SURROGATE.test(name) || encodeModifiedUtf7(name) !== wire) throw invalidName(wire);
  return name;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * NO [CANNOT], not BAD: the argument is a well-formed astring, it only names
 * no mailbox there can be (RFC 5530 §3 CANNOT; Dovecot answers NO too, and
 * imaptest's `atoms` expects it). LIST reads such a pattern as matching nothing.
 */
function invalidName(wire: string): Error {
  const shown = wire.length > 60 ? `${wire.slice(0, 60)}…` : wire;
  return new ImapProtocolError(`Mailbox name "${shown}" is not valid modified UTF-7 (RFC 3501 §5.1.3)`, {
    status: 'NO',
    code: { name: 'CANNOT' },
  });
}

/**
 * A mailbox name as the client sent it → the UTF-8 name of the store.
 * With `utf8Names` (after ENABLE UTF8=ACCEPT or IMAP4rev2) names are UTF-8
 * and `&` is itself; otherwise modified UTF-7. A name in raw UTF-8 is
 * accepted in either mode (no valid modified UTF-7 has 8-bit bytes, so it
 * is not ambiguous; some clients send it). Names are put in Unicode NFC, so
 * a denormalized name finds the mailbox it created (RFC 9051 §5.1). Any
 * case of INBOX is INBOX. Control characters are refused.
 */
export function mailboxFromWire(bytes: Buffer, utf8Names: boolean): string {
  const eightBit = bytes.some((b) => b >= 0x80);
  let name: string;
  if (utf8Names || eightBit) {
    try {
      name = STRICT_UTF8.decode(bytes);
    } catch {
      throw syntaxError('Mailbox name is not valid UTF-8');
    }
  } else {
    name = decodeModifiedUtf7(bytes.toString('latin1'));
  }
  if (hasControl(name)) throw syntaxError('Mailbox names may not contain control characters');
  return name.toUpperCase() === 'INBOX' ? 'INBOX' : name.normalize('NFC');
}

/** A store name → its wire form for this session (before quoting). */
export function mailboxToWire(name: string, utf8Names: boolean): string {
  return utf8Names ? name : encodeModifiedUtf7(name);
}

function hasControl(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}
