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
