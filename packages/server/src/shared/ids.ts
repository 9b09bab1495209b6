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

/**
 * A UUID version 7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, then the
 * version and variant bits around 74 random bits. Time-ordered like `newId`,
 * and in the standard form consumers expect of a CloudEvents or webhook id.
 */
export function uuidV7(now = Date.now()): string {
  const bytes = Buffer.alloc(16);
  bytes.writeUIntBE(now, 0, 6);
  if (poolOffset + 10 > POOL.length) {
    randomFillSync(POOL);
    poolOffset = 0;
  }
  POOL.copy(bytes, 6, poolOffset, poolOffset + 10);
  poolOffset += 10;
  bytes[6] = 0x70 | ((bytes[6] as number) & 0x0f); // version 7 (§4.2)
  bytes[8] = 0x80 | ((bytes[8] as number) & 0x3f); // variant 10 (§4.1)
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
