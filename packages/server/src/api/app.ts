import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Config } from '../config/index.js';
import type { AddressBook, Directory } from '../directory/index.js';
import type { DirectorySync } from '../ldap/index.js';
import type { MailService } from '../mail/index.js';
import type { Logger } from '../telemetry/index.js';
import { createFailureLimiter, type FailureLimiter, installAuth } from './auth/index.js';
import { installErrorHandling } from './errors/install.js';
import { swaggerOptions } from './openapi/document.js';
import { healthRoutes } from './routes/health.js';
import { openapiRoute } from './routes/openapi-json.js';
import { v1Routes } from './routes/v1/index.js';
import { MODELS } from './schemas/index.js';
import { buildSerializerFactory } from './serializers.js';

/** What the API needs; `main.ts` passes the real services, tests pass fakes. */
export interface ApiDeps {
  directory: Directory;
  mail: MailService;
  /** The global address book (its routes answer 503 without it). */
  addressBook?: AddressBook;
  /** Directory (LDAP/AD) sync jobs (their routes answer 503 without it). */
  directorySync?: DirectorySync;
  config: Pick<Config, 'api'>;
  /** The API's logger (main.ts passes a `{ component: 'api' }` child). */
  log: Logger;
  /** True once every listener is up (drives `/readyz`). */
  isReady: () => boolean;
  /**
   * Throttles failed sign-ins per client IP. Default: 20 failures a minute.
   * Pass one limiter to share it with other listeners.
   */
  authLimiter?: FailureLimiter;
}

/**
 * Builds the REST API (not listening; `main.ts` listens and closes it). The
 * plugin tree loads in a fixed order: external plugins (OpenAPI, docs) →
 * errors and auth → routes. The app is encapsulation-free at the root so the
 * error handler, auth hook and shared models apply to every route.
 */
export async function createApiApp(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast keeps the instance's default generics.
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: deps.config.api.bodyLimit,
    // Unknown properties are an error (422), not silently dropped: a typo in a PATCH must not pass.
    ajv: { customOptions: { removeAdditional: false } },
    routerOptions: { ignoreTrailingSlash: true },
    schemaController: { compilersFactory: { buildSerializer: buildSerializerFactory() } },
  });

  await app.register(swagger, swaggerOptions);
  if (deps.config.api.docs) await app.register(swaggerUi, { routePrefix: '/docs' });

  for (const model of MODELS) app.addSchema(model);
  // Only JSON bodies; text/plain would reach validation and fail with a confusing 422.
  app.removeContentTypeParser('text/plain');
  installErrorHandling(app);
  installAuth(app, {
    directory: deps.directory,
    limiter: deps.authLimiter ?? createFailureLimiter({ maxFailures: 20, windowMs: 60_000 }),
  });

  await app.register(healthRoutes, { isReady: deps.isReady });
  await app.register(openapiRoute);
  await app.register(v1Routes, {
    prefix: '/api/v1',
    directory: deps.directory,
    mail: deps.mail,
    addressBook: deps.addressBook,
    directorySync: deps.directorySync,
  });
  return app;
}
