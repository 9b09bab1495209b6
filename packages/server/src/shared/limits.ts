/**
 * The largest mailbox quota: 1 PiB. Far above any real mailbox, and far
 * below 2^53, so every quota and every sum of used bytes is exact in a
 * JavaScript number (2^63 − 1 came back as 9223372036854776000).
 */
export const MAX_QUOTA_BYTES = 2 ** 50;
