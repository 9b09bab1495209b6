import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { newId } from '../shared/index.js';

const CLIENT_ID_PREFIX = 'jdc_';
const SECRET_PREFIX = 'jds_';

/** `jdc_` + a time-ordered id: public, so it need not be secret, and sorting by it sorts by age. */
export const newClientId = (now: number): string => CLIENT_ID_PREFIX + newId(now);

/** `jds_` + 256 random bits, base64url. */
export const newClientSecret = (): string => SECRET_PREFIX + randomBytes(32).toString('base64url');

export const looksLikeClientId = (s: string): boolean => /^jdc_[A-Za-z0-9_-]{24}$/.test(s);

/** SHA-256, hex: enough for a full-entropy secret, and cheap on every token request. */
export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** Compares a presented secret with a stored hash in constant time. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const given = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

/** A hash no secret has: compared against when the client id is unknown, so timing tells nothing. */
export const DUMMY_HASH = hashSecret(`${SECRET_PREFIX}unknown-client`);
