import type { SearchDate } from '../../protocol/index.js';

/** A calendar day as one comparable number: 2026-02-03 → 20260203. */
export type DayNumber = number;

export const dayOf = (d: SearchDate): DayNumber => d.year * 10_000 + d.month * 100 + d.day;

/**
 * The day of an internal date. INTERNALDATE is answered in UTC (+0000), so
 * BEFORE, ON and SINCE compare UTC days: what the client was shown.
 */
export function utcDay(epochMs: number): DayNumber {
  const d = new Date(epochMs);
  return d.getUTCFullYear() * 10_000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * The day a Date header names, in its own time zone (RFC 9051 §6.4.4:
 * SENTBEFORE/SENTON/SENTSINCE disregard time and timezone): `Tue, 3 Feb
 * 2026 01:00:00 +0800` is 3 February whatever UTC says. Two-digit years
 * follow RFC 5322 §4.3. Null when the header holds no date.
 */
export function sentDay(value: string | undefined): DayNumber | null {
  if (value === undefined) return null;
  const m = /(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{2,4})\b/.exec(value.replace(/\([^)]*\)/g, ' '));
  if (m) {
    const month = MONTHS.indexOf((m[2] as string).toLowerCase());
    let year = Number(m[3]);
    if ((m[3] as string).length === 2) year += year < 50 ? 2000 : 1900;
    else if ((m[3] as string).length === 3) year += 1900;
    const day = Number(m[1]);
    if (month >= 0 && day >= 1 && day <= 31) return year * 10_000 + (month + 1) * 100 + day;
  }
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : utcDay(t);
}
