/** Attribute value formats the sync reads: GeneralizedTime and Active Directory GUIDs. */

/**
 * Parses a GeneralizedTime (RFC 4517 §3.3.13) as written by directories:
 * `20240131120000Z`, `20240131120000.0Z` (AD), `202401311200Z`, or with a
 * `+hhmm`/`-hhmm` offset. Returns epoch milliseconds, or null if malformed.
 */
export function parseGeneralizedTime(value: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?(?:[.,](\d+))?(Z|[+-]\d{2}(?:\d{2})?)$/.exec(
    value.trim(),
  );
  if (!m) return null;
  const [, y, mo, d, h, mi = '0', s = '0', frac = '', zone = 'Z'] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (frac) ms += Math.round(Number(`0.${frac}`) * 1000);
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const offset = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5) || '0');
    ms -= sign * offset * 60_000;
  }
  return Number.isFinite(ms) ? ms : null;
}

/** Epoch milliseconds → `YYYYMMDDHHMMSSZ` (whole seconds, UTC), the form every directory accepts in filters. */
export function formatGeneralizedTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
}

/**
 * An AD objectGUID (16 bytes) in its usual string form. The first three
 * groups are little-endian on the wire ([MS-DTYP] §2.3.4.2), which is why
 * `00 01 02 03 …` reads `03020100-…`.
 */
export function guidToString(bytes: Buffer): string {
  if (bytes.length !== 16) return bytes.toString('hex');
  const h = (from: number, to: number, reverse = false) => {
    const part = Buffer.from(bytes.subarray(from, to));
    return (reverse ? part.reverse() : part).toString('hex');
  };
  return `${h(0, 4, true)}-${h(4, 6, true)}-${h(6, 8, true)}-${h(8, 10)}-${h(10, 16)}`;
}

/** The 16 bytes of a GUID string from {@link guidToString} (for a filter on objectGUID); null if malformed. */
export function guidToBytes(guid: string): Buffer | null {
  const m = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i.exec(guid);
  if (!m) return null;
  const le = (hex: string) => Buffer.from(hex, 'hex').reverse();
  return Buffer.concat([
    le(m[1] as string),
    le(m[2] as string),
    le(m[3] as string),
    Buffer.from(m[4] as string, 'hex'),
    Buffer.from(m[5] as string, 'hex'),
  ]);
}
