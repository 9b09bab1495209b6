import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../shared/index.js';
import '../fastify-types.js';
import { PAGE_HEADERS, webmailCsp } from './headers.js';
import { widgetScriptRoute } from './widget-script.js';

export interface WebmailOptions {
  /** The built webmail: `index.html`, `admin.html` (the console) and `assets/`. */
  dir: string;
}

/** Paths the server owns; everything else that a browser GETs is a webmail route (`/`, `/login`, `/m/<id>` …). */
const SERVER_PREFIXES = [
  '/api',
  '/auth',
  '/docs',
  '/healthz',
  '/readyz',
  '/metrics',
  '/.well-known',
  '/assets',
  '/widget',
];

const isServerPath = (path: string) => SERVER_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));

/** `/admin` and below: the admin console (admin.html), which routes itself like the webmail. */
const isConsolePath = (path: string) => path === '/admin' || path.startsWith('/admin/');

/** A message view whose user allowed remote images (`/m/<id>?images=1`). */
const wantsRemoteImages = (path: string, query: string) =>
  /^\/m\/[^/]+\/?$/.test(path) && new URLSearchParams(query).get('images') === '1';

/**
 * Serves the webmail: hashed assets under `/assets/` with a year's
 * immutable caching, `admin.html` for the admin console at `/admin` and
 * below, and `index.html` for every other GET that is not a server path
 * (both never cached, with the CSP and the other page headers) — each app
 * routes itself. A path whose last segment looks like a file name is a
 * missing file (404), not an app route.
 */
export const webmailRoutes: FastifyPluginAsync<WebmailOptions> = async (app, { dir }) => {
  const indexHtml = await readFile(join(dir, 'index.html'));
  // The admin console is the same build's second page; an older build without it has no console.
  const adminHtml = await readFile(join(dir, 'admin.html')).catch(() => null);

  await app.register(fastifyStatic, {
    root: join(dir, 'assets'),
    prefix: '/assets/',
    decorateReply: false,
    index: false,
    redirect: false,
    immutable: true,
    maxAge: '365d',
    setHeaders: (reply) => reply.header('x-content-type-options', 'nosniff'),
  });

  await widgetScriptRoute(app, dir);

  const page = async (request: FastifyRequest, reply: FastifyReply) => {
    const [path = '/', query = ''] = request.url.split('?', 2);
    const last = path.slice(path.lastIndexOf('/') + 1);
    // Console paths end in domain names and addresses (`/admin/users/example.com`): never a file.
    if (isServerPath(path) || (!isConsolePath(path) && /\.[A-Za-z0-9]{1,8}$/.test(last))) {
      throw new AppError('NOT_FOUND', `No route for ${request.method} ${path}`);
    }
    const html = isConsolePath(path) ? adminHtml : indexHtml;
    if (!html) throw new AppError('NOT_FOUND', `No route for ${request.method} ${path}`);
    return reply
      .headers(PAGE_HEADERS)
      .header('content-security-policy', webmailCsp({ remoteImages: wantsRemoteImages(path, query) }))
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(html);
  };
  app.get('/*', { config: { public: true }, schema: { hide: true } }, page);
};
