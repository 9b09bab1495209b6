/**
 * Limits on clients that every listener shares (SMTP now; IMAP and POP3 reuse them), knowing
 * nothing of any protocol: a per-client connection count (`createConnectionLimiter`, one per
 * listener), the per-record deadline with a minimum data rate (`RecordDeadline`, one per
 * session, driven by the listener's own clock and its idea of "the client owes input"), address
 * lists of hosts and CIDR networks (`parseAddressList`) for exemptions and trusted proxies, and
 * the login guard (`createLoginGuard`, one per server): budgets of failed sign-ins per account
 * and per address that every sign-in path shares, over counters in a `BucketStore`; and the
 * hourly send-rate limits of authenticated senders (`createSendRateLimiter`).
 */
export {
  type AddressList,
  clientKey,
  parseAddressList,
  unmapIPv4,
} from './address-list.js';
export {
  addAttempts,
  type Bucket,
  type BucketRule,
  type BucketState,
  type BucketStore,
  levelAt,
  waitAfter,
} from './bucket-store.js';
export {
  type ConnectionLease,
  type ConnectionLimiter,
  type ConnectionLimiterOptions,
  createConnectionLimiter,
} from './connections.js';
export { RecordDeadline, type RecordDeadlineOptions } from './data-rate.js';
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
export {
  type ChargedSend,
  type CounterFactory,
  type CounterOptions,
  createSendRateLimiter,
  type SendCharge,
  type SendRateLimiter,
  type SendRateLimits,
} from './send-rate.js';
