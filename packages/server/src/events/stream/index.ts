/** The SSE fan-out (one tail per node) and its filter; the route lives in api/routes/v1/events. */
export {
  createEventHub,
  type EventHub,
  type EventHubOptions,
  type EventHubStats,
  type StreamSink,
} from './hub.js';
export { type EventFilter, matchesEvent } from './match.js';
