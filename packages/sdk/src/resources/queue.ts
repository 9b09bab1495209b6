import type { HttpClient } from '../http.js';
import { type Page, Paginator } from '../paginator.js';
import type { ListQueueParams, QueueEntry, TraceEvent, TraceMessagesParams } from '../types.js';
import { path } from './path.js';

/** Options of {@link Queue.delete}. */
export interface DeleteQueueEntryOptions {
  /** Tell the sender with a bounce in their INBOX (default: nobody is told). */
  bounce?: boolean;
}

/**
 * `client.queue`: the outbound queue (messages waiting for remote servers)
 * and message traces, for operators. Needs `queue:read` (`queue:write` to
 * retry or delete); a domain-restricted caller sees only messages from or to
 * its domains, and others' entries answer as absent (NotFoundError).
 */
export class Queue {
  /** @internal Made by {@link JdMail}; use `jd.<resource>`. */
  constructor(private readonly http: HttpClient) {}

  /**
   * Queue entries (one per message and destination domain), oldest first; await for one page or `for await` for all.
   *
   * @example
   * for await (const e of jd.queue.list({ state: 'deferred', domain: 'partner.example' }))
   *   console.log(e.id, e.recipients.map((r) => r.address), e.lastError?.response);
   */
  list(params: ListQueueParams = {}): Paginator<QueueEntry> {
    return new Paginator((cursor) =>
      this.http.json<Page<QueueEntry>>({
        method: 'GET',
        path: '/queue',
        query: { ...params, cursor: cursor ?? params.cursor },
      }),
    );
  }

  /**
   * One entry, with each recipient's state and the last remote answer.
   *
   * @example
   * const { state, nextAttemptAt, lastError } = await jd.queue.get(id);
   */
  get(id: string): Promise<QueueEntry> {
    return this.http.json({ method: 'GET', path: path`/queue/${id}` });
  }

  /**
   * Makes an entry due now; resolves with it.
   *
   * @example
   * await jd.queue.retry(id);
   */
  retry(id: string): Promise<QueueEntry> {
    return this.http.json({ method: 'POST', path: path`/queue/${id}/retry`, idempotent: true });
  }

  /**
   * Stops delivering an entry to its recipients not yet delivered.
   *
   * @example
   * await jd.queue.delete(id, { bounce: true }); // the sender gets a bounce
   */
  async delete(id: string, options: DeleteQueueEntryOptions = {}): Promise<void> {
    await this.http.json({
      method: 'DELETE',
      path: path`/queue/${id}`,
      query: options.bounce === undefined ? {} : { bounce: options.bounce },
      idempotent: true,
    });
  }

  /**
   * Every hop of the messages that match (stored, queued, each delivery attempt, bounced …), newest first.
   *
   * @example
   * for await (const hop of jd.queue.trace({ to: 'partner@example.net', since: '2026-05-01T10:00:00Z' }))
   *   console.log(hop.at, hop.event, hop.recipient, hop.detail?.response);
   */
  trace(params: TraceMessagesParams = {}): Paginator<TraceEvent> {
    return new Paginator((cursor) =>
      this.http.json<Page<TraceEvent>>({
        method: 'GET',
        path: '/messages/trace',
        query: { ...params, cursor: cursor ?? params.cursor },
      }),
    );
  }
}
