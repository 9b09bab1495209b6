/**
 * The outbound queue: the only door to `queue/`. Messages for remote
 * recipients are planned into rows (`planOutbound`) that the store commits
 * with the message; the worker of `createQueueService` claims due jobs,
 * hands them to a `Transport`, records the answers, retries, and bounces.
 */

export {
  createSmtpTransport,
  localVerdict,
  type MxHost,
  type MxPlan,
  orderByPreference,
  planMx,
  type SmtpTransportDeps,
  type Verdict,
  verdictOfReply,
} from './delivery/index.js';
export { DEFAULT_MAX_AGE_HOURS, type PlanInput, planOutbound } from './plan.js';
export { nextAttemptAt, retryDelayMs } from './retry.js';
export { inScope, type QueueScope } from './scope.js';
export { createQueueService, type QueueServiceOptions } from './service.js';
export type {
  DeliveryJob,
  DkimSigner,
  QueueEntry,
  QueueFilter,
  QueueService,
  RecipientResult,
  Transport,
} from './types.js';
