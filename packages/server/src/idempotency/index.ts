export {
  type Claim,
  createIdempotencyStore,
  fingerprintOf,
  IDEMPOTENCY_TTL_MS,
  type IdempotencyStore,
  STALE_CLAIM_MS,
} from './store.js';
