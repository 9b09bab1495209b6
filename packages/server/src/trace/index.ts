/** The message trace: the only door to `trace/`. */
export { createMessageTrace, type MessageTraceOptions, type TraceStore } from './trace.js';
export type { MessageTrace, TraceEvent, TraceEventName, TraceFilter } from './types.js';
