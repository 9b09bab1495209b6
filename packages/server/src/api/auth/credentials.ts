import { hasControlCharacters } from '../../shared/index.js';

/** Credentials as sent in an `Authorization` header (RFC 9110 §11.6.2). */
export type Credentials =
  | { scheme: 'bearer'; token: string }
  | { scheme: 'basic'; username: string; password: string };

/**
 * Parses `Bearer <token>` (RFC 6750) or `Basic base64(user:password)`
 * (RFC 7617). Returns null when there is no header; `'malformed'` when there
 * is one we cannot read, which counts as a failed attempt.
 */
export function parseAuthorization(header: string | undefined): Credentials | null | 'malformed' {
  if (header === undefined || header.trim() === '') return null;
  const match = /^(\S+)\s+(\S+)\s*$/.exec(header);
  if (!match) return 'malformed';
  const scheme = (match[1] ?? '').toLowerCase();
  const value = match[2] ?? '';
  if (scheme === 'bearer') return { scheme: 'bearer', token: value };
  if (scheme !== 'basic') return 'malformed';
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  // RFC 7617 §2: user-id and password MUST NOT contain control characters.
  if (colon <= 0 || hasControlCharacters(decoded)) return 'malformed';
  return { scheme: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
