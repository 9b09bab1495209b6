import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * The server's Prometheus metrics, in a registry of its own (no global
 * state: two servers in one process, as tests run them, count apart).
 * Labels stay low-cardinality: route patterns, never paths or addresses.
 */
export interface Metrics {
  readonly registry: Registry;
  /** HTTP requests answered, by method, route pattern and status. */
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  /** HTTP request durations in seconds, by method and route pattern. */
  readonly httpDuration: Histogram<'method' | 'route'>;
  /** SMTP connections opened, by listener (`mx`, `submission`). */
  readonly smtpConnections: Counter<'listener'>;
  /** Messages ended by DATA, by listener and outcome (`stored`, `refused`, `failed`, `aborted`). */
  readonly smtpMessages: Counter<'listener' | 'result'>;
  /** Bytes of the messages stored through SMTP, by listener. */
  readonly smtpBytes: Counter<'listener'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  // Process metrics (CPU, memory, event-loop lag, GC, handles), prefixed like ours.
  collectDefaultMetrics({ register: registry, prefix: 'jdmail_' });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: 'jdmail_http_requests_total',
      help: 'HTTP requests answered',
      labelNames: ['method', 'route', 'status'],
      registers,
    }),
    httpDuration: new Histogram({
      name: 'jdmail_http_request_duration_seconds',
      help: 'Time from receiving an HTTP request to answering it',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    smtpConnections: new Counter({
      name: 'jdmail_smtp_connections_total',
      help: 'SMTP connections opened',
      labelNames: ['listener'],
      registers,
    }),
    smtpMessages: new Counter({
      name: 'jdmail_smtp_messages_total',
      help: 'Messages whose DATA ended: stored (250), refused (5xx/4xx for the message), failed (our error), aborted (the connection ended mid-message)',
      labelNames: ['listener', 'result'],
      registers,
    }),
    smtpBytes: new Counter({
      name: 'jdmail_smtp_message_bytes_total',
      help: 'Bytes of messages stored through SMTP',
      labelNames: ['listener'],
      registers,
    }),
  };
}
