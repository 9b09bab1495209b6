import type { HttpClient } from '../http.js';
import type { EventPage, ListEventsParams } from '../types.js';

/**
 * `client.events`: the event log — every change that matters (a message
 * arrived, was read or moved; a user or group changed; outbound mail was
 * delivered or bounced) as CloudEvents 1.0, in commit order. Needs
 * `events:read`; a domain-restricted caller sees its domains' events, a
 * user their own.
 */
export class Events {
  /** @internal Made by {@link JdMail}; use `jd.<resource>`. */
  constructor(private readonly http: HttpClient) {}

  /**
   * One page of events after the cursor `after` (absent: from the oldest kept), oldest first.
   * Keep `nextCursor` and pass it as `after` next time; `hasMore` says whether more are readable
   * now. `types` takes names and prefixes (`['message.new', 'user.*']`). A cursor older than the
   * retention throws a `JdMailError` with status 410 and code `EVENTS_CURSOR_EXPIRED`: resync.
   *
   * @example
   * let cursor = loadCursor();
   * const page = await jd.events.list({ after: cursor, types: ['message.new'] });
   * for (const e of page.items) if (e.type === 'message.new') notify(e.data.address, e.data.subject);
   * saveCursor(page.nextCursor);
   */
  list(params: { after?: string; types?: string[]; limit?: number } = {}): Promise<EventPage> {
    const query: ListEventsParams = {};
    if (params.after !== undefined) query.after = params.after;
    if (params.types?.length) query.types = params.types.join(',');
    if (params.limit !== undefined) query.limit = params.limit;
    return this.http.json({ method: 'GET', path: '/events', query });
  }
}
