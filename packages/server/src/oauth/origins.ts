import { AppError } from '../shared/index.js';

/** At most this many origins per app: an allow-list, not a registry of sites. */
export const MAX_ALLOWED_ORIGINS = 20;

/**
 * Normalizes one allowed origin as a browser serializes it in the `Origin`
 * header (RFC 6454 §6.2): `scheme://host[:port]`, lower-case, no default
 * port, no path, query, fragment or credentials. Only http and https; no
 * wildcard and no `null` (sandboxed frames and file pages send `null`, and
 * allowing it would allow every one of them). Returns null when `raw` is
 * not such an origin.
 */
export function normalizeOrigin(raw: string): string | null {
  if (raw.length > 300 || raw.includes('*')) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password || url.search || url.hash) return null;
  // The URL parser would quietly drop a path ("https://a.example/portal" is not an origin).
  if (!/^https?:\/\/[^/?#\\]+\/?$/i.test(raw)) return null;
  return url.origin;
}

/**
 * Checks and normalizes an app's `allowedOrigins` (VALIDATION_FAILED naming
 * the bad entry); duplicates are dropped, order kept.
 */
export function parseAllowedOrigins(input: readonly string[]): string[] {
  if (input.length > MAX_ALLOWED_ORIGINS) {
    throw new AppError('VALIDATION_FAILED', `allowedOrigins: at most ${MAX_ALLOWED_ORIGINS}`, {
      field: 'allowedOrigins',
    });
  }
  const out: string[] = [];
  for (const [i, raw] of input.entries()) {
    const origin = normalizeOrigin(raw.trim());
    if (!origin) {
      throw new AppError(
        'VALIDATION_FAILED',
        `allowedOrigins[${i}]: must be an origin like https://portal.example.com (scheme and host, no path, no *)`,
        { field: `allowedOrigins[${i}]` },
      );
    }
    if (!out.includes(origin)) out.push(origin);
  }
  return out;
}

/** The stored JSON column; a damaged value reads as no origins (refuses, never widens). */
export function readAllowedOrigins(json: string | null | undefined): string[] {
  try {
    const parsed = JSON.parse(json ?? '[]') as unknown;
    return Array.isArray(parsed) ? parsed.filter((o): o is string => typeof o === 'string') : [];
  } catch {
    return [];
  }
}
