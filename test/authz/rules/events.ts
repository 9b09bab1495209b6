import type { Rules } from './common.js';
import { status } from './common.js';

/**
 * The event stream: every holder of `events:read` gets a stream, filtered
 * to what it may see (a domain key its domain, a user their own events);
 * which events each view holds is tested in test/events-stream.test.ts.
 */
export const eventRules: Rules = {
  streamEvents: {
    scope: 'events:read',
    ok: status(200),
    // The inbox widget follows its user's events (and nothing else; see widget.ts).
    widget: status(200),
    cases: [
      {
        label: 'all',
        needs: [{ on: 'events' }],
        request: () => ({ method: 'GET', path: '/api/v1/events/stream?types=message.new' }),
      },
    ],
  },
};
