import type { FastifyPluginAsync } from 'fastify';
import '../fastify-types.js';

/** `/api/v1/openapi.json`: the document clients and generators read; public, like the docs. */
export const openapiRoute: FastifyPluginAsync = async (app) => {
  app.get(
    '/api/v1/openapi.json',
    { config: { public: true }, schema: { hide: true } },
    async (_request, reply) => reply.type('application/json').send(app.swagger()),
  );
};
