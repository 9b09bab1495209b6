import {
  AppError,
  aLabelsValid,
  MAX_QUOTA_BYTES,
  normalizeAddress,
  normalizeDomain,
  splitAddress,
} from '../shared/index.js';

// RFC 1035 §2.3.1 labels (letters, digits, hyphen; not at the ends), at least two labels. IDNs
// arrive here as A-labels (normalizeDomain), which are such labels.
const DOMAIN_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
// RFC 5321 §4.1.2 dot-atom local part (no quoted strings: we never create those).
const LOCAL_RE = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

/** Canonical domain name (see normalizeDomain) or VALIDATION_FAILED naming `field`. */
export function validDomain(name: string, field = 'name'): string {
  const d = normalizeDomain(name);
  if (!DOMAIN_RE.test(d) || !aLabelsValid(d))
    throw new AppError('VALIDATION_FAILED', `${field}: "${name}" is not a valid domain name`, { field });
  return d;
}

/** Canonical address split into parts, or VALIDATION_FAILED naming `field`. */
export function validAddress(
  address: string,
  field = 'address',
): { address: string; local: string; domain: string } {
  const a = normalizeAddress(address);
  const parts = splitAddress(a);
  if (!parts || parts.local.length > 64 || !LOCAL_RE.test(parts.local)) {
    throw new AppError('VALIDATION_FAILED', `${field}: "${address}" is not a valid address`, { field });
  }
  return { address: a, local: parts.local, domain: validDomain(parts.domain, field) };
}

/** The canonical form of a valid address and its parts, or null: for data from outside (a directory). */
export function canonicalAddress(address: string): { address: string; local: string; domain: string } | null {
  try {
    return validAddress(address);
  } catch {
    return null;
  }
}

export function validPassword(password: string, field = 'password'): string {
  if (password.length < 8 || password.length > 1024) {
    throw new AppError('VALIDATION_FAILED', `${field}: must be 8 to 1024 characters`, { field });
  }
  return password;
}

/** A quota in bytes (0 = unlimited, at most 1 PiB), or VALIDATION_FAILED naming `field`. */
export function validQuota(bytes: number, field = 'quotaBytes'): number {
  if (!Number.isSafeInteger(bytes) || bytes < 0 || bytes > MAX_QUOTA_BYTES) {
    throw new AppError(
      'VALIDATION_FAILED',
      `${field}: must be a whole number of bytes from 0 (unlimited) to ${MAX_QUOTA_BYTES} (1 PiB)`,
      { field },
    );
  }
  return bytes;
}

/**
 * Opaque list cursors: base64url of the last key of the previous page. A
 * value this did not make (it does not decode to UTF-8 text that encodes back
 * to the same cursor, or the text holds a control character, which no key
 * has: `AA` is a NUL, which PostgreSQL refuses to compare) is INVALID_CURSOR,
 * not an empty or shifted page, nor a database error.
 */
export const cursor = {
  encode: (key: string): string => Buffer.from(key, 'utf8').toString('base64url'),
  decode: (value: string | undefined): string | undefined => {
    if (value === undefined || value === '') return undefined;
    const key = /^[A-Za-z0-9_-]{1,2000}$/.test(value) ? Buffer.from(value, 'base64url').toString('utf8') : '';
    if (key === '' || CONTROL.test(key) || cursor.encode(key) !== value) throw new AppError('INVALID_CURSOR');
    return key;
  },
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Escapes LIKE wildcards so user text matches literally (with `escape '\\'`). */
export function likePattern(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
