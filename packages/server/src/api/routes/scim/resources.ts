import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  GROUP_CATALOG,
  type ListQuery,
  matchesNoneMatch,
  project,
  type ScimContext,
  ScimError,
  type ScimResource,
  type ScimResources,
  USER_CATALOG,
} from '../../../scim/index.js';

export interface ResourceRouteOptions {
  resources: ScimResources;
  kind: 'User' | 'Group';
  context(request: FastifyRequest): ScimContext;
  send(reply: FastifyReply, status: number, body: unknown): FastifyReply;
}

type Params = { Params: { id: string } };
const QUERY_KEYS = ['filter', 'startIndex', 'count', 'attributes', 'excludedAttributes', 'sortBy'] as const;

/** One value per parameter: a repeated one is ambiguous (400). */
function readQuery(raw: unknown): ListQuery {
  const q = (raw ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const key of QUERY_KEYS) {
    const v = q[key];
    if (v === undefined) continue;
    if (typeof v !== 'string') throw new ScimError(400, 'invalidValue', `${key} must be given once`);
    out[key] = v;
  }
  return out;
}

/** RFC 7644 §3.4.3: a search's body as list parameters (`attributes` may be an array). */
function searchQuery(body: unknown): ListQuery {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new ScimError(400, 'invalidSyntax', 'the body must be a SearchRequest');
  const b = body as Record<string, unknown>;
  const text = (v: unknown, name: string) => {
    if (v === undefined) return undefined;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(',');
    if (typeof v === 'string' || typeof v === 'number') return String(v);
    throw new ScimError(400, 'invalidValue', `${name} has the wrong type`);
  };
  const out: Record<string, string> = {};
  for (const key of QUERY_KEYS) {
    const v = text(b[key], key);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

const header = (request: FastifyRequest, name: string) => {
  const v = request.headers[name];
  return typeof v === 'string' ? v : undefined;
};

/**
 * `/Users` or `/Groups` (RFC 7644 §3): list with filter and paging, search
 * by POST, read, create, replace, patch, delete. Every response of one
 * resource carries its version as `ETag`; `If-Match` guards writes (412),
 * `If-None-Match` a read (304). `attributes`/`excludedAttributes` apply to
 * every response that returns resources (§3.9).
 */
export async function resourceRoutes(app: FastifyInstance, o: ResourceRouteOptions): Promise<void> {
  const catalog = o.kind === 'User' ? USER_CATALOG : GROUP_CATALOG;
  const route = { schema: { hide: true }, config: { auth: { scope: 'scim:write' as const } } };
  const shaped = (request: FastifyRequest, resource: ScimResource) => {
    const q = readQuery(request.query);
    return project(resource, catalog, q.attributes, q.excludedAttributes);
  };
  const one = (request: FastifyRequest, reply: FastifyReply, status: number, resource: ScimResource) => {
    reply.header('etag', resource.meta.version);
    if (status === 201) reply.header('location', resource.meta.location);
    return o.send(reply, status, shaped(request, resource));
  };
  const listed = async (request: FastifyRequest, reply: FastifyReply, query: ListQuery) => {
    const page = await o.resources.list(query, o.context(request));
    const Resources = page.Resources.map((r) =>
      project(r, catalog, query.attributes, query.excludedAttributes),
    );
    return o.send(reply, 200, { ...page, Resources });
  };

  app.get('/', route, (request, reply) => listed(request, reply, readQuery(request.query)));
  app.post('/.search', route, (request, reply) => listed(request, reply, searchQuery(request.body)));
  app.get<Params>('/:id', route, async (request, reply) => {
    const resource = await o.resources.get(request.params.id, o.context(request));
    if (matchesNoneMatch(resource, header(request, 'if-none-match')))
      return reply.code(304).header('etag', resource.meta.version).send();
    return one(request, reply, 200, resource);
  });
  app.post('/', route, async (request, reply) =>
    one(request, reply, 201, await o.resources.create(request.body, o.context(request))),
  );
  app.put<Params>('/:id', route, async (request, reply) => {
    const ctx = o.context(request);
    return one(
      request,
      reply,
      200,
      await o.resources.replace(request.params.id, request.body, ctx, header(request, 'if-match')),
    );
  });
  app.patch<Params>('/:id', route, async (request, reply) => {
    const ctx = o.context(request);
    return one(
      request,
      reply,
      200,
      await o.resources.patch(request.params.id, request.body, ctx, header(request, 'if-match')),
    );
  });
  app.delete<Params>('/:id', route, async (request, reply) => {
    await o.resources.remove(request.params.id, o.context(request), header(request, 'if-match'));
    return reply.code(204).send();
  });
}
