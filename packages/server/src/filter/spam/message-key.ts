import { createHash } from 'node:crypto';

/** Bytes of a message hashed when it has no Message-ID: enough to tell messages apart. */
const KEY_BYTES = 256 * 1024;

/**
 * The dedupe key of a message for learning: SHA-256 of its Message-ID when
 * it has one (so the same message learned from two folders counts once, as
 * in SpamAssassin's seen database), else of its first bytes.
 */
export function messageKey(raw: Buffer): string {
  const head = raw.subarray(0, Math.min(raw.length, 64 * 1024)).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const headers = end < 0 ? head : head.slice(0, end);
  const id = /^message-id:[ \t]*(.*(?:\r?\n[ \t].*)*)/im.exec(headers)?.[1]?.replace(/\s+/g, '');
  const hash = createHash('sha256');
  if (id) hash.update(`mid:${id}`);
  else hash.update(raw.subarray(0, KEY_BYTES));
  return hash.digest('base64url').slice(0, 32);
}
