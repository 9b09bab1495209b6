import { Type } from 'typebox';
import type { EventHub } from '../../../../events/index.js';
import { AppError } from '../../../../shared/index.js';
import { principalOf, readableEvents } from '../../../auth/index.js';
import { op, problems } from '../../op.js';
import type { V1Plugin } from '../deps.js';

const corsHeaders = (headers: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers)
      .filter(([name]) => name.startsWith('access-control-') || name === 'vary')
      .map(([name, value]) => [name, String(value)]),
  );

const TYPE_PATTERN = /^[a-z][a-z_]*(\.[a-z][a-z_]*)*(\.\*)?$/;

/** `types=message.new,user.*` → the list; a malformed name is a 422, not a silently empty stream. */
function parseTypes(raw: string | undefined): string[] {
  const types = (raw ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  for (const t of types)
    if (!TYPE_PATTERN.test(t))
      throw new AppError('VALIDATION_FAILED', `not an event type: ${t}`, {
        errors: [{ field: 'types', message: 'not an event type' }],
      });
  return types;
}

/** The resume position: `Last-Event-ID` first (what EventSource sends), else `after`; none: from now. */
function parseCursor(header: string | string[] | undefined, query: string | undefined): number | null {
  const raw = (Array.isArray(header) ? header[0] : header)?.trim() || query;
  if (raw === undefined || raw === '') return null;
  if (!/^\d{1,16}$/.test(raw) || !Number.isSafeInteger(Number(raw)))
    throw new AppError('INVALID_CURSOR', 'Last-Event-ID must be an event position');
  return Number(raw);
}

/** `GET /events/stream`: the event log as Server-Sent Events (events/stream/hub.ts). */
export const eventStreamRoutes: V1Plugin = async (app, { eventStream }) => {
  app.addHook('preClose', async () => {
    // Open streams would hold the server's close forever: end them first (clients reconnect elsewhere).
    await eventStream?.close();
  });
  app.get(
    '/events/stream',
    op(
      {
        operationId: 'streamEvents',
        tag: 'events',
        summary: 'Follow events live (Server-Sent Events)',
        description:
          'A `text/event-stream`: each event is `id: <position>`, `event: <type>`, `data: <CloudEvent JSON>`. ' +
          'Reconnect with the `Last-Event-ID` header (or `after=` for clients that cannot set headers) and the ' +
          'stream resumes after that event, with nothing lost and nothing repeated; without either it starts now. ' +
          'A comment line comes every `sse.heartbeatSeconds`. A client too slow to read is disconnected (resume ' +
          'as above). **410** `EVENTS_CURSOR_EXPIRED` when the position is older than the log keeps; **429** ' +
          '`EVENT_STREAMS_EXCEEDED` past `sse.maxStreamsPerCredential`. Scoped like `GET /events`: a ' +
          'domain-restricted key sees its domain, a user only their own events. A widget token (the ' +
          '`<jdmail-inbox>` widget) follows its user’s events, from its app’s allowed origins (CORS).',
        scope: 'events:read',
        widget: 'also',
        callers:
          'API keys and apps with `events:read` (a domain-restricted one: its domain); users: their own events; domain admins: their domains; the inbox widget: its user’s events',
      },
      {
        querystring: Type.Object({
          types: Type.Optional(
            Type.String({
              maxLength: 2000,
              description: 'Comma-separated types or prefixes: `message.new,user.*`',
            }),
          ),
          after: Type.Optional(
            Type.String({ maxLength: 20, description: 'Resume after this position (as `Last-Event-ID`)' }),
          ),
        }),
        headers: Type.Object({
          'last-event-id': Type.Optional(
            Type.String({ maxLength: 20, description: 'The last `id` received' }),
          ),
        }),
        response: {
          200: {
            description: 'The event stream (never ends on its own)',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          ...problems(400, 403, 410, 422),
        },
      },
    ),
    async (request, reply) => {
      if (!eventStream) throw new AppError('UNAVAILABLE', 'event streams are not available');
      const principal = principalOf(request);
      // The same view as GET /events: a domain key its domain, a user the events about themselves.
      const filter = { scope: readableEvents(principal), types: parseTypes(request.query.types) };
      const after = parseCursor(request.headers['last-event-id'], request.query.after);
      // A widget token's id is its app's: count its streams per user, not per portal.
      const credential =
        principal.kind === 'widget'
          ? `widget:${principal.id}:${principal.userId}`
          : `${principal.kind}:${principal.id}`;
      await eventStream.admit(credential, after);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        // hijack() skips the reply's own headers: keep the widget's CORS headers (api/auth/widget-cors.ts).
        ...corsHeaders(reply.getHeaders()),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        // nginx buffers responses unless told not to; a buffered stream is no stream.
        'x-accel-buffering': 'no',
      });
      request.raw.socket.setNoDelay(true);
      // No idle timeout on this socket: heartbeats keep it busy, and a dead peer fails a write.
      request.raw.socket.setTimeout(0);
      await eventStream.open({ credential, filter, after, sink: raw });
    },
  );
};

export type { EventHub };
