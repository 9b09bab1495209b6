/**
 * Webhooks: signed HTTP deliveries of the event log (Standard Webhooks).
 * The events module's door re-exports what other modules use of it.
 */
export type { CloudEventOf, EventLog, EventRecord, EventScope } from './log-contract.js';
export { createWebhookService, type WebhookServiceDeps } from './service.js';
export { isPublicAddress } from './ssrf.js';
export type * from './types.js';
