import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import '../fastify-types.js';

/** Where portals load the widget from: a stable URL, the two lines of HTML name it. */
export const WIDGET_SCRIPT_PATH = '/widget/jdmail-inbox.js';

/**
 * Serves the `<jdmail-inbox>` bundle (webmail's `dist/widget/`). Its URL
 * cannot carry a content hash (portals paste it once), so it is cached for
 * a day and then revalidated by ETag rather than for a year: an upgrade
 * reaches every portal within a day. Module scripts are fetched in CORS
 * mode, and this one is public code sent without credentials, so any page
 * may load it (`*`, and a cross-origin resource policy that says so); the
 * API it talks to has its own per-app allow-list.
 */
export async function widgetScriptRoute(app: FastifyInstance, distDir: string): Promise<void> {
  const file = join(distDir, 'widget', 'jdmail-inbox.js');
  if (!existsSync(file)) return;
  const body = await readFile(file);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  app.get(
    WIDGET_SCRIPT_PATH,
    { config: { public: true }, schema: { hide: true } },
    async (request, reply) => {
      reply
        .header('content-type', 'text/javascript; charset=utf-8')
        .header('cache-control', 'public, max-age=86400, stale-while-revalidate=604800')
        .header('etag', etag)
        .header('access-control-allow-origin', '*')
        .header('cross-origin-resource-policy', 'cross-origin')
        .header('x-content-type-options', 'nosniff');
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      return reply.send(body);
    },
  );
}
