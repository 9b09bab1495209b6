import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new secret: 256 random bits, base64url (43 characters). */
export const randomToken = (): string => randomBytes(32).toString('base64url');

/**
 * SHA-256 of a secret, hex: what the store keeps instead of the secret. The
 * secrets are random 256-bit values, so a fast hash is enough — there is
 * nothing to brute-force.
 */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Compares two secrets in time that does not depend on where they differ. */
export function safeEqual(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

/** Tokens we hand out are base64url of 32 bytes; anything else is not worth a lookup. */
export const looksLikeToken = (s: string | undefined): s is string =>
  typeof s === 'string' && /^[A-Za-z0-9_-]{43}$/.test(s);
