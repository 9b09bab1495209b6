const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH_INDEX = new Map(MONTHS.map((m, i) => [m.toLowerCase(), i]));

/** A calendar day from a SEARCH date (RFC 9051 §9 date): no time, no zone. */
export interface SearchDate {
  readonly year: number;
  /** 1 to 12. */
  readonly month: number;
  readonly day: number;
}

/**
 * The date-time of INTERNALDATE and APPEND (RFC 9051 §9 date-time), without
 * its quotes: `06-Dec-2026 10:00:00 +0000`, shown in the zone `offsetMinutes`
 * east of UTC (default UTC).
 */
export function formatDateTime(date: Date, offsetMinutes = 0): string {
  const local = new Date(date.getTime() + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const zone = `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
  const day = pad(local.getUTCDate());
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  return `${day}-${MONTHS[local.getUTCMonth()]}-${local.getUTCFullYear()} ${time} ${zone}`;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

const DATE_TIME = /^ ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;

/**
 * Parses a date-time (`"7-Feb-1994 21:52:25 -0800"` without quotes; the day
 * may be one digit or space-padded, as clients send both). Returns the
 * instant and the zone it was given in, or null if invalid.
 */
export function parseDateTime(text: string): { date: Date; offsetMinutes: number } | null {
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const [, d, mon, y, hh, mm, ss, sign, zh, zm] = m as unknown as string[];
  const month = MONTH_INDEX.get((mon as string).toLowerCase());
  const day = Number(d);
  const year = Number(y);
  if (month === undefined || !validDay(year, month + 1, day)) return null;
  const [h, min, s] = [Number(hh), Number(mm), Number(ss)];
  if (h > 23 || min > 59 || s > 60 || Number(zm) > 59) return null;
  const offsetMinutes = (sign === '-' ? -1 : 1) * (Number(zh) * 60 + Number(zm));
  const utc = Date.UTC(year, month, day, h, min, Math.min(s, 59)) - offsetMinutes * 60_000;
  return { date: new Date(utc), offsetMinutes };
}

/** Parses a SEARCH date `1-Feb-1994` (RFC 9051 §9 date-text), or null. */
export function parseSearchDate(text: string): SearchDate | null {
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
  if (!m) return null;
  const month = MONTH_INDEX.get((m[2] as string).toLowerCase());
  const day = Number(m[1]);
  const year = Number(m[3]);
  if (month === undefined || !validDay(year, month + 1, day)) return null;
  return { year, month: month + 1, day };
}

function validDay(year: number, month: number, day: number): boolean {
  if (year < 1 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}
