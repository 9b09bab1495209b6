/**
 * The events module's only public face: the typed catalogue, the event log
 * (read, head, retention, wake-ups) and the CloudEvents envelope. Events are
 * written by the store's `appendEvents` inside each change's transaction.
 */
export { appendEvents, type EventType, type NewEvent } from '../store/index.js';
export * from './catalogue.js';
export { type CloudEvent, CloudEventSchema, toCloudEvent, toSequence } from './cloud-event.js';
export { createEventLog, type EventLogOptions, type LocalEventLog, PRUNED_THROUGH_KEY } from './log.js';
export { cursorExpired, type EventLog, type EventQuery, type EventRecord, type EventScope } from './types.js';
