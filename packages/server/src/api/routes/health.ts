import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import '../fastify-types.js';

const Status = Type.Object({ status: Type.String() });

/** `/healthz` (the process answers) and `/readyz` (every listener is up); open to anyone. */
export const healthRoutes: FastifyPluginAsyncTypebox<{ isReady: () => boolean }> = async (
  app,
  { isReady },
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
};
