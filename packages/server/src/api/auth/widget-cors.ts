import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OAuthService } from '../../oauth/index.js';
import { AppError } from '../../shared/index.js';
import '../fastify-types.js';
import type { WidgetPrincipal } from './principal.js';

/**
 * CORS (the Fetch standard's CORS protocol) for the routes a widget token
 * may call, and for nothing else. The allow-list is per app: a request
 * with a widget token gets `Access-Control-Allow-Origin` only for an origin
 * its app lists; any other origin is refused (403 ORIGIN_NOT_ALLOWED) with no
 * CORS headers, so the page cannot even read the refusal. Never `*`, and no
 * credentials mode: the token travels in `Authorization`, not in cookies.
 *
 * A preflight carries no token, so it is answered for an origin that some
 * enabled app allows; the real request is then held to its own app's list.
 * A refusal before the token is known (401 expired or invalid) carries the
 * CORS headers for such an origin too, so that the widget can tell "renew
 * my token" from a network failure.
 */

/** What the widget sends: its token, JSON bodies, and the SSE resume header. */
const ALLOW_HEADERS = 'authorization, content-type, last-event-id';
const ALLOW_METHODS = 'GET, POST';
const PREFLIGHT_MAX_AGE = '600';

/** Preflighted paths: the widget's own routes and the event stream. */
export const WIDGET_CORS_PATHS = ['/api/v1/widget/*', '/api/v1/events/stream'];

/**
 * A request the widget makes: to a route that takes widget tokens, or to one
 * of those paths on a server without the route (its 404 must be readable, so
 * that the widget falls back to polling instead of retrying blind).
 */
function isWidgetRequest(request: FastifyRequest): boolean {
  if (request.routeOptions.config.auth?.widget) return true;
  const path = request.url.split('?', 1)[0] ?? '';
  return path === '/api/v1/events/stream' || path.startsWith('/api/v1/widget/');
}

const originOf = (request: FastifyRequest): string | undefined => {
  const o = request.headers.origin;
  return typeof o === 'string' && o !== '' ? o : undefined;
};

function allow(reply: FastifyReply, origin: string): void {
  reply.header('access-control-allow-origin', origin);
  reply.header('vary', 'Origin');
  reply.header('access-control-expose-headers', 'www-authenticate, retry-after');
}

/** Installs the preflight routes and the provisional CORS headers (before the auth hook runs). */
export function installWidgetCors(
  app: FastifyInstance,
  widgetTokens: Pick<OAuthService['widgetTokens'], 'anyAllowed'>,
): void {
  app.addHook('onRequest', async (request, reply) => {
    if (request.method === 'OPTIONS' || !isWidgetRequest(request)) return;
    const origin = originOf(request);
    if (origin && (await widgetTokens.anyAllowed(origin))) allow(reply, origin);
  });

  for (const url of WIDGET_CORS_PATHS) {
    app.options(url, { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
      const origin = originOf(request);
      if (!origin || !(await widgetTokens.anyAllowed(origin))) {
        throw new AppError('ORIGIN_NOT_ALLOWED', 'No app allows this origin for widget tokens');
      }
      allow(reply, origin);
      return reply
        .code(204)
        .header('access-control-allow-methods', ALLOW_METHODS)
        .header('access-control-allow-headers', ALLOW_HEADERS)
        .header('access-control-max-age', PREFLIGHT_MAX_AGE)
        .send();
    });
  }
}

/**
 * Holds a widget token to its app's origins: a request from a page (one with
 * an `Origin`) whose origin the app does not list is refused, and the
 * provisional CORS headers are taken back. A request without `Origin` is not
 * from a cross-origin page (browsers always send it there); the binding
 * protects the token from other sites' scripts, and a non-browser client
 * could send any `Origin` it likes anyway.
 */
export function assertWidgetOrigin(request: FastifyRequest, reply: FastifyReply, p: WidgetPrincipal): void {
  const origin = originOf(request);
  if (origin === undefined || p.origins.has(origin)) return;
  reply.removeHeader('access-control-allow-origin');
  reply.removeHeader('access-control-expose-headers');
  throw new AppError(
    'ORIGIN_NOT_ALLOWED',
    `${origin} is not an allowed origin of the app that minted this token`,
  );
}

/** CORS is for widget tokens only: another caller on a widget route gets no CORS headers. */
export function dropCors(reply: FastifyReply): void {
  reply.removeHeader('access-control-allow-origin');
  reply.removeHeader('access-control-expose-headers');
}
