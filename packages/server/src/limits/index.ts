/**
 * Limits that hold whatever listener a client comes through: the login
 * guard (budgets of failed sign-ins per account and per address, shared by
 * every protocol) and the counters behind it. The module's only public face.
 */
export {
  addAttempts,
  type Bucket,
  type BucketRule,
  type BucketState,
  type BucketStore,
  levelAt,
  waitAfter,
} from './bucket-store.js';
export { budgetAddress } from './client-address.js';
export {
  type Admission,
  createLoginGuard,
  LOGIN_RULES,
  type LoginAttempt,
  type LoginGuard,
  type LoginGuardOptions,
  SUSPECT_FAILURES,
} from './login-guard.js';
export { createMemoryBucketStore, type MemoryBucketStoreOptions } from './memory-bucket-store.js';
