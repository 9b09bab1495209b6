import { domainToUnicode } from 'node:url';
import type { HeaderLine } from '@zone-eu/mailsplit';
import libmime from 'libmime';
import addressparser from 'nodemailer/lib/addressparser';
import type { Address, MessageIndex } from '../store/index.js';
import './charset-aliases.js';

/** The index fields that come from the top-level header section. */
export type HeaderFields = Pick<MessageIndex, 'from' | 'to' | 'cc' | 'subject' | 'date' | 'messageId'>;

const noAddress = (): Address => ({ name: '', address: '' });

/** The fields of a message whose header section cannot be read. */
export const emptyHeaderFields = (): HeaderFields => ({
  from: noAddress(),
  to: [],
  cc: [],
  subject: '',
  date: null,
  messageId: null,
});

/**
 * A header's value as mailparser reads it: unfolded and trimmed, 8-bit bytes read as UTF-8
 * (the lines come from mailsplit as latin1 strings, one char per byte).
 */
export function headerValue(line: string): string {
  const value = libmime.decodeHeader(line).value.trim();
  return Buffer.from(value, 'latin1').toString('utf8');
}

/** Encoded words (RFC 2047) decoded; a value without any, or one libmime cannot decode, is kept as it is. */
function decodeWords(value: string): string {
  if (!value.includes('=?')) return value; // libmime.decodeWords rewrites only `=?…?=` words
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}

// An RFC 2047 encoded word.
const ENCODED_WORD = /=\?[^?]+\?[BbQq]\?[^?]*\?=/;

/**
 * An address as mailparser reports it (its `decodeAddresses`): an address part that hides an
 * encoded word is dropped unless it decodes to a plain local@domain (RFC 2047 §5 keeps encoded
 * words out of an addr-spec), and an internationalized domain is given in Unicode.
 */
function addressOf(address: string): string {
  let addr = address;
  if (ENCODED_WORD.test(addr)) {
    const decoded = decodeWords(addr);
    addr = /^[^\s@]+@[^\s@]+$/.test(decoded) && !decoded.includes('=?') ? decoded : '';
  }
  if (addr.includes('@xn--')) {
    const at = addr.lastIndexOf('@');
    const domain = domainToUnicode(addr.slice(at + 1));
    if (domain) addr = addr.slice(0, at + 1) + domain;
  }
  return addr.toLowerCase();
}

/**
 * The mailboxes of address header values, with mailparser's decoding (display names' encoded
 * words, see `addressOf`) and the address lower-cased; group members (RFC 5322 §3.4) are
 * listed in place of their group.
 */
export function mailboxes(values: readonly string[]): Address[] {
  const out: Address[] = [];
  for (const value of values) {
    if (!value) continue;
    for (const { name, address } of addressparser(value, { flatten: true })) {
      const addr = address && addressOf(address);
      const trimmed = name.trim();
      if (addr) out.push({ name: trimmed && decodeWords(trimmed), address: addr });
    }
  }
  return out;
}

/** A Message-ID in angle brackets (RFC 5322 §3.6.4), added when the sender left them out, as mailparser does. */
function messageIdOf(value: string): string | null {
  const id = decodeWords(value);
  if (!id) return null;
  return `${id.startsWith('<') ? '' : '<'}${id}${id.endsWith('>') ? '' : '>'}`;
}

/**
 * The Date header as epoch ms, or null. Parsed from the raw line with comments removed:
 * mailparser substitutes the current time for an unparsable date, which would sort
 * garbage as newest.
 */
function dateOf(line: string): number | null {
  const value = line
    .slice(line.indexOf(':') + 1)
    .replace(/\([^)]*\)/g, ' ')
    .trim();
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}

/**
 * Index fields from the top-level header lines, with mailparser's rules: the first From, Date
 * and non-empty Subject and Message-ID count; every To and Cc header adds its addresses.
 */
export function headerFields(lines: readonly HeaderLine[]): HeaderFields {
  let from: Address | undefined;
  const to: string[] = [];
  const cc: string[] = [];
  let subject = '';
  let messageId: string | null = null;
  let date: number | null | undefined;
  for (const { key, line } of lines) {
    switch (key) {
      case 'from':
        from ??= mailboxes([headerValue(line)])[0] ?? noAddress();
        break;
      case 'to':
        to.push(headerValue(line));
        break;
      case 'cc':
        cc.push(headerValue(line));
        break;
      case 'subject':
        subject ||= decodeWords(headerValue(line));
        break;
      case 'message-id':
        messageId ??= messageIdOf(headerValue(line));
        break;
      case 'date':
        if (date === undefined) date = dateOf(line);
        break;
    }
  }
  return {
    from: from ?? noAddress(),
    to: mailboxes(to),
    cc: mailboxes(cc),
    subject,
    date: date ?? null,
    messageId,
  };
}
