import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  discoveryDocuments,
  type ScimContext,
  ScimError,
  type ScimService,
  scimErrorBody,
  toScimError,
} from '../../../scim/index.js';
import { isScoped } from '../../auth/index.js';
import { parseJsonBody } from '../../body/parse-json.js';
import { toAppError } from '../../errors/to-problem.js';
import { resourceRoutes } from './resources.js';

export const SCIM_TYPE = 'application/scim+json; charset=utf-8';
export const SCIM_AUTH = { auth: { scope: 'scim:write' as const } };

export interface ScimRouteOptions {
  scim: ScimService;
  /** `http.publicUrl`; empty: the request's own scheme and host. */
  publicUrl: string;
}

/**
 * The SCIM 2.0 server at `/scim/v2` (RFC 7644): its own media type
 * (`application/scim+json`, JSON also accepted), its own error body
 * (RFC 7644 §3.12), and only app credentials — an API key or app token
 * holding `scim:write`; a domain-restricted one reaches only its domain.
 * Not part of the `/api/v1` OpenAPI document (`hide`).
 */
export async function scimRoutes(app: FastifyInstance, options: ScimRouteOptions): Promise<void> {
  app.addContentTypeParser('application/scim+json', { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      const value = parseJsonBody(body as Buffer);
      if (hasNul(value))
        throw new ScimError(400, 'invalidValue', 'a string in the body holds a NUL character');
      done(null, value);
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  app.setErrorHandler((error, request, reply) => sendError(request, reply, error));
  app.setNotFoundHandler((request, reply) =>
    sendError(
      request,
      reply,
      new ScimError(404, null, `No SCIM endpoint ${request.method} ${request.url.split('?')[0]}`),
    ),
  );
  // After the app's auth hook (root hooks run first): a user's password or session is not an app credential.
  app.addHook('onRequest', async (request) => {
    if (request.principal && !isScoped(request.principal))
      throw new ScimError(
        403,
        null,
        'SCIM takes an app credential (an API key or app token with scim:write)',
      );
  });

  const base = (request: FastifyRequest) =>
    `${options.publicUrl || `${request.protocol}://${request.host}`}/scim/v2`;
  const context = (request: FastifyRequest): ScimContext => {
    const p = request.principal;
    const domain = p && isScoped(p) ? p.domain : null;
    return { scope: { domains: domain === null ? null : new Set([domain]) }, base: base(request) };
  };
  const send = (reply: FastifyReply, status: number, body: unknown) =>
    reply.code(status).type(SCIM_TYPE).send(body);

  const docs = (request: FastifyRequest) => discoveryDocuments(base(request), options.scim.settings);
  const list = (items: unknown[]) => ({
    schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
    totalResults: items.length,
    startIndex: 1,
    itemsPerPage: items.length,
    Resources: items,
  });
  const route = { schema: { hide: true }, config: SCIM_AUTH };
  app.get('/ServiceProviderConfig', route, (request, reply) =>
    send(reply, 200, docs(request).serviceProviderConfig),
  );
  app.get('/ResourceTypes', route, (request, reply) => send(reply, 200, list(docs(request).resourceTypes)));
  app.get('/Schemas', route, (request, reply) => send(reply, 200, list(docs(request).schemas)));
  app.get<{ Params: { id: string } }>('/ResourceTypes/:id', route, (request, reply) =>
    sendOne(reply, docs(request).resourceTypes, request.params.id, 'ResourceType'),
  );
  app.get<{ Params: { id: string } }>('/Schemas/:id', route, (request, reply) =>
    sendOne(reply, docs(request).schemas, request.params.id, 'Schema'),
  );
  const sendOne = (reply: FastifyReply, items: { id: unknown }[], id: string, what: string) => {
    const item = items.find((i) => i.id === id);
    if (!item) throw new ScimError(404, null, `${what} ${id} not found`);
    return send(reply, 200, item);
  };

  // Owns everything under /scim/v2, so an unknown endpoint is a SCIM 404 (not the webmail's page).
  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/*',
    ...route,
    handler: (request) => {
      throw new ScimError(404, null, `No SCIM endpoint ${request.method} ${request.url.split('?')[0]}`);
    },
  });
  await app.register(resourceRoutes, {
    prefix: '/Users',
    resources: options.scim.users,
    kind: 'User',
    context,
    send,
  });
  await app.register(resourceRoutes, {
    prefix: '/Groups',
    resources: options.scim.groups,
    kind: 'Group',
    context,
    send,
  });
}

/** Whether any string (or key) in a parsed body holds U+0000, which no attribute may (PostgreSQL refuses it). */
function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(hasNul);
  if (value && typeof value === 'object')
    return Object.entries(value).some(([k, v]) => k.includes('\u0000') || hasNul(v));
  return false;
}

/** Any error as a SCIM error (RFC 7644 §3.12); fastify's own (bad JSON, media type, size) via the API's mapping. */
function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  let scim = toScimError(error);
  if (scim.status === 500 && !(error instanceof ScimError)) scim = toScimError(toAppError(error));
  if (scim.status >= 500) request.log.error({ err: error }, 'unexpected error serving a SCIM request');
  const extra = (error as { extra?: { retryAfter?: unknown; challenge?: unknown } })?.extra;
  // An app token's own challenge (RFC 6750 §3 invalid_token) tells the IdP to fetch a new token.
  if (scim.status === 401)
    reply.header(
      'www-authenticate',
      typeof extra?.challenge === 'string' ? extra.challenge : 'Bearer realm="jdmail"',
    );
  const retryAfter = extra?.retryAfter;
  if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  return reply.code(scim.status).type(SCIM_TYPE).send(scimErrorBody(scim));
}
