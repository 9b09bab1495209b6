import type { Address } from '../api/types.js';

/** The list's date column: the time for today, day and month this year, else the full date. */
export function listDate(iso: string | null, now: Date = new Date(), locale?: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const sameDay = d.toDateString() === now.toDateString();
  if (sameDay) return d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  if (d.getFullYear() === now.getFullYear())
    return d.toLocaleDateString(locale, { month: 'short', day: 'numeric' });
  return d.toLocaleDateString(locale, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** The full date and time, for the message header and the list's tooltip. */
export function fullDate(iso: string | null, locale?: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString(locale, { dateStyle: 'full', timeStyle: 'short' });
}

/** "Zhang San" or the bare address; `unknown` (the view's translated "(unknown sender)") for an empty From. */
export function senderName(a: Address | undefined, unknown: string): string {
  return a?.name?.trim() || a?.address || unknown;
}

/** "Zhang San <zhang@example.com>" for headers. */
export function formatAddress(a: Address): string {
  return a.name?.trim() ? `${a.name.trim()} <${a.address}>` : a.address;
}

export type TextPiece = { text: string } | { text: string; href: string };

/** Splits plain text into text and http(s)/mailto links, for the plain-text view. */
export function linkify(text: string): TextPiece[] {
  const out: TextPiece[] = [];
  const re = /\b(?:https?:\/\/|mailto:)[^\s<>"']+/gi;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    // Trailing punctuation belongs to the sentence, not the link.
    const url = m[0].replace(/[.,;:!?)\]}>]+$/, '');
    if (m.index > last) out.push({ text: text.slice(last, m.index) });
    out.push({ text: url, href: url });
    last = m.index + url.length;
    re.lastIndex = last;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}
