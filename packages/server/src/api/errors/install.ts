import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../shared/index.js';
import { SESSION_COOKIE } from '../auth/session-cookie.js';
import { toAppError, toProblem } from './to-problem.js';

/** `WWW-Authenticate` challenges for 401s (RFC 9110 §11.6.1): both schemes we accept. */
export const AUTH_CHALLENGES = ['Bearer realm="jdmail"', 'Basic realm="jdmail", charset="UTF-8"'];

/**
 * A browser answers a Basic challenge with its own password dialog, which
 * must never pop up over the webmail. So a request that is clearly the
 * webmail's — to `/auth/…`, with the session cookie, or a script's fetch
 * (`Sec-Fetch-Mode` other than `navigate`) — and sent no Authorization
 * header gets only the Bearer challenge.
 */
function challengesFor(request: FastifyRequest): string | string[] {
  if (request.headers.authorization) return AUTH_CHALLENGES;
  const mode = request.headers['sec-fetch-mode'];
  const fromScript = typeof mode === 'string' && mode !== 'navigate';
  const webmail =
    request.url.startsWith('/auth/') || request.cookies?.[SESSION_COOKIE] !== undefined || fromScript;
  return webmail ? (AUTH_CHALLENGES[0] as string) : AUTH_CHALLENGES;
}

/**
 * Makes every error an RFC 9457 problem: thrown errors, schema validation,
 * body parsing, unknown routes. Unexpected errors are logged with their stack
 * and answered with a bare INTERNAL problem.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error);
    if (appError.code === 'INTERNAL' || appError.code === 'STORAGE_FULL') {
      request.log.error({ err: error }, 'unexpected error serving request');
    }
    return sendProblem(request, reply, appError);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      new AppError('NOT_FOUND', `No route for ${request.method} ${pathOf(request)}`),
    ),
  );
}

function sendProblem(request: FastifyRequest, reply: FastifyReply, error: AppError) {
  if (error.status === 401) {
    // A more precise challenge when the thrower has one (an app token's RFC 6750 `invalid_token`).
    const challenge = error.extra?.challenge;
    reply.header('www-authenticate', typeof challenge === 'string' ? challenge : challengesFor(request));
  }
  const retryAfter = error.extra?.retryAfter;
  if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  return reply
    .code(error.status)
    .type('application/problem+json')
    .send(toProblem(error, pathOf(request)));
}

/** The path without the query string: enough to identify the occurrence. */
const pathOf = (request: FastifyRequest) => request.url.split('?', 1)[0] ?? request.url;
