/**
 * Limits on clients that every listener shares (SMTP now; IMAP and POP3 reuse them), knowing
 * nothing of any protocol: a per-client connection count (`createConnectionLimiter`, one per
 * listener), the per-record deadline with a minimum data rate (`RecordDeadline`, one per
 * session, driven by the listener's own clock and its idea of "the client owes input"), and
 * address lists of hosts and CIDR networks (`parseAddressList`) for exemptions and trusted proxies.
 */
export {
  type AddressList,
  clientKey,
  parseAddressList,
  unmapIPv4,
} from './address-list.js';
export {
  type ConnectionLease,
  type ConnectionLimiter,
  type ConnectionLimiterOptions,
  createConnectionLimiter,
} from './connections.js';
export { RecordDeadline, type RecordDeadlineOptions } from './data-rate.js';
