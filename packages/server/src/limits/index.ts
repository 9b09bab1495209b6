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
