/**
 * The event log as webhooks use it: the events module's contract, and the
 * envelope function passed in (the module's `toCloudEvent`; tests may pass
 * their own).
 */
import type { EventRecord } from '../types.js';

export type { EventLog, EventRecord, EventScope } from '../types.js';

/** The CloudEvents 1.0 JSON envelope of an event. */
export type CloudEventOf = (e: EventRecord, source: string) => object;
