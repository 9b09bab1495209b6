import { randomFillSync } from 'node:crypto';

// One getrandom(2) per 455 ids instead of one per id: ids are made on every delivery.
const POOL = Buffer.alloc(4096);
let poolOffset = POOL.length;

function random9(): string {
  if (poolOffset + 9 > POOL.length) {
    randomFillSync(POOL);
    poolOffset = 0;
  }
  const s = POOL.toString('base64url', poolOffset, poolOffset + 9);
  poolOffset += 9;
  return s;
}

/**
 * Time-ordered, URL-safe ids: 12 hex chars of milliseconds then 9 random
 * bytes as 12 base64url chars. Sorting ids sorts by creation time, which keeps index
 * pages dense and makes ids useful as cursors.
 */
export function newId(now = Date.now()): string {
  return now.toString(16).padStart(12, '0') + random9();
}

/** Lower-cases and trims an e-mail address; the canonical form used as a key. */
export function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}

/** Splits `local@domain`; returns undefined when the address has no domain part. */
export function splitAddress(address: string): { local: string; domain: string } | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return undefined;
  return { local: address.slice(0, at), domain: address.slice(at + 1) };
}
