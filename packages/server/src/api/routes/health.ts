import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AddressList } from '../../limits/index.js';
import type { Metrics } from '../../telemetry/index.js';
import '../fastify-types.js';

const Status = Type.Object({ status: Type.String() });

export interface HealthOptions {
  isReady: () => boolean;
  /** Served at `/metrics`; absent: `/metrics` answers 404. */
  metrics?: Metrics;
  /** Who may read `/metrics` (`metrics.allowFrom`); absent: nobody. */
  metricsAllowed?: AddressList;
}

/**
 * `/healthz` (the process answers) and `/readyz` (every listener is up),
 * open to anyone; `/metrics` (Prometheus) to the addresses of `metrics.allowFrom`.
 */
export const healthRoutes: FastifyPluginAsyncTypebox<HealthOptions> = async (
  app,
  { isReady, metrics, metricsAllowed },
) => {
  app.get(
    '/healthz',
    {
      config: { public: true },
      schema: {
        operationId: 'getHealth',
        tags: ['health'],
        summary: 'Liveness probe',
        security: [],
        response: { 200: { ...Status, description: 'The process is alive' } },
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      config: { public: true },
      schema: {
        operationId: 'getReadiness',
        tags: ['health'],
        summary: 'Readiness probe',
        description: 'Answers 200 once every listener is up, 503 before that and while shutting down.',
        security: [],
        response: {
          200: { ...Status, description: 'Ready to serve' },
          503: { ...Status, description: 'Not ready yet' },
        },
      },
    },
    async (_request, reply) =>
      isReady() ? { status: 'ready' } : reply.code(503).send({ status: 'unavailable' }),
  );

  if (!metrics) return;
  app.get(
    '/metrics',
    {
      config: { public: true },
      schema: {
        operationId: 'getMetrics',
        tags: ['health'],
        summary: 'Prometheus metrics',
        description:
          'The server’s metrics in the Prometheus text format: HTTP requests and durations by route, SMTP connections, messages and bytes by listener and outcome, and the process’s CPU, memory, event-loop lag and GC. Only for clients whose own address (not `X-Forwarded-For`) is in `metrics.allowFrom` (default loopback); others get 403.',
        security: [],
        produces: ['text/plain'],
        response: {
          200: { type: 'string', description: 'Prometheus text exposition format 0.0.4' },
          403: { ...Status, description: 'The client’s address is not in metrics.allowFrom' },
        },
      },
    },
    async (request, reply) => {
      // The socket's address: a header a client sets must not open the metrics.
      if (!metricsAllowed?.has(request.socket.remoteAddress ?? '')) {
        return reply.code(403).send({ status: 'forbidden' });
      }
      return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    },
  );
};
