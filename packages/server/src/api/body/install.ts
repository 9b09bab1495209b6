import type { FastifyInstance } from 'fastify';
import type { Logger } from '../../telemetry/index.js';
import '../fastify-types.js';
import { createJsonBodyParser } from './json-parser.js';

/**
 * The body of a route open to anyone (`config.public`: sign-in, SSO
 * call-backs) unless it sets its own: a sign-in is an address and a
 * password. Also the limit of requests to no route at all.
 */
export const PUBLIC_BODY_LIMIT = 8 * 1024;

export interface BodyLimits {
  /** Every authenticated route's body (`api.defaultBodyLimit`). */
  defaultLimit: number;
  /** Routes that declare `config.largeBody` (`api.bodyLimit`): the send API's base64 attachments. */
  largeLimit: number;
}

/**
 * Request bodies: JSON only (text/plain would reach validation and fail with
 * a confusing 422), parsed by {@link createJsonBodyParser} so that large ones
 * never block the event loop, and each route's size limit set as it is
 * registered — small for public routes, `defaultLimit` for the others,
 * `largeLimit` only where a route asks for it. A route's own `bodyLimit`
 * wins. Install before any route is registered.
 */
export function installBodyParsing(app: FastifyInstance, limits: BodyLimits, log?: Logger): void {
  app.removeContentTypeParser(['application/json', 'text/plain']);
  const parser = createJsonBodyParser(log ? { log } : {});
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    parser.parse(body as Buffer).then(
      (value) => done(null, value),
      (err: Error) => done(err, undefined),
    );
  });
  app.addHook('onRoute', (route) => {
    if (route.bodyLimit !== undefined) return;
    if (route.config?.public) route.bodyLimit = PUBLIC_BODY_LIMIT;
    else route.bodyLimit = route.config?.largeBody ? limits.largeLimit : limits.defaultLimit;
  });
  app.addHook('onClose', () => parser.close());
}
