import iconv from 'iconv-lite';
import libmime from 'libmime';
import { splitFields } from '../fetch/header-filter.js';
import { foldText } from './text-fold.js';

/**
 * Raw 8-bit header bytes as text: UTF-8 when they are (RFC 6532), else
 * GB18030 — what Chinese mail that skips RFC 2047 is written in (a superset
 * of GB2312 and GBK).
 */
export function bytesToText(bytes: Buffer): string {
  const utf8 = bytes.toString('utf8');
  if (!utf8.includes('\ufffd') || Buffer.from(utf8, 'utf8').equals(bytes)) return utf8;
  return iconv.decode(bytes, 'gb18030');
}

/**
 * A header value as a user reads it: raw 8-bit bytes decoded (see
 * {@link bytesToText}), then RFC 2047 encoded words in any charset libmime
 * knows (GB2312, GBK, Big5, ISO-2022-JP …). `value` is a byte string (latin1).
 */
export function decodeHeaderValue(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: any byte outside ASCII
  const text = /[^\x00-\x7f]/.test(value) ? bytesToText(Buffer.from(value, 'latin1')) : value;
  if (!text.includes('=?')) return text;
  try {
    return libmime.decodeWords(text);
  } catch {
    return text;
  }
}

/** A header section's fields, decoded and folded for matching: `[lower-case name, folded value]`. */
export function headerFieldTexts(header: Buffer): Array<[string, string]> {
  return splitFields(header).map(({ name, bytes }) => {
    const line = bytes.toString('latin1');
    const colon = line.indexOf(':');
    const value = colon < 0 ? line : line.slice(colon + 1);
    return [name, foldText(decodeHeaderValue(value.replace(/\r?\n/g, '')).trim())];
  });
}
