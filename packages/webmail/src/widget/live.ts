import { failureOf, WidgetApiError } from './api.js';
import { createSseParser } from './sse.js';

/** The event types that change what the widget shows. */
const TYPES = 'message.new,message.updated,message.deleted';
const MAX_BACKOFF_MS = 30_000;
/**
 * No stream for this widget here: not a route of this server (404, 405), not
 * enabled on it (501, 503), or one that does not take widget tokens (403).
 */
const UNAVAILABLE = new Set([403, 404, 405, 501, 503]);

export interface LiveOptions {
  server: string;
  token: () => string;
  /** Something changed in the user's mailboxes: reload the summary. */
  onChange: () => void;
  /** The stream ended for a reason reconnecting will not cure (token refused, origin refused). */
  onFailure: (error: WidgetApiError) => void;
  /**
   * The server has no event stream (404, a jdmail without it; 503, one that
   * does not run it): the caller polls instead. Called once; the stream is
   * not retried.
   */
  onUnavailable: () => void;
  signal: AbortSignal;
  /** Resume after this event (`Last-Event-ID`), e.g. across a token renewal. */
  lastEventId?: string | null;
}

/**
 * Follows `GET /api/v1/events/stream` (Server-Sent Events) with fetch
 * rather than `EventSource`: fetch can send the token in `Authorization`, so
 * it never appears in a URL (server logs, proxies, the Referer), which
 * `EventSource`, unable to set headers, would force. Reconnects with
 * backoff after network failures and resumes with `Last-Event-ID`. Returns
 * the last event id seen, so a renewal can resume where this one stopped.
 */
export async function followEvents(o: LiveOptions): Promise<string | null> {
  const state = { lastId: o.lastEventId ?? null };
  let backoff = 1000;
  while (!o.signal.aborted) {
    let status = 0;
    try {
      const headers: Record<string, string> = {
        authorization: `Bearer ${o.token()}`,
        accept: 'text/event-stream',
      };
      if (state.lastId) headers['last-event-id'] = state.lastId;
      const res = await fetch(`${o.server}/api/v1/events/stream?types=${TYPES}`, {
        headers,
        credentials: 'omit',
        cache: 'no-store',
        signal: o.signal,
      });
      status = res.status;
      if (res.ok && res.body) {
        // Whatever happened while we were away is in the summary we reload now.
        o.onChange();
        backoff = 1000;
        await readStream(res.body, state, o, (ms) => {
          backoff = ms;
        });
      }
    } catch {
      if (o.signal.aborted) break;
    }
    const kind = status ? failureOf(status) : 'other';
    if (UNAVAILABLE.has(status)) {
      o.onUnavailable();
      break;
    }
    if (kind === 'token') {
      o.onFailure(new WidgetApiError(kind, status));
      break;
    }
    await sleep(backoff, o.signal);
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
  }
  return state.lastId;
}

/** Reads one connection until it ends; `state.lastId` follows the events (an abort keeps what was seen). */
async function readStream(
  body: ReadableStream<Uint8Array>,
  state: { lastId: string | null },
  o: LiveOptions,
  onRetry: (ms: number) => void,
): Promise<void> {
  const parser = createSseParser(onRetry);
  const reader = body.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    if (parser.push(decoder.decode(value, { stream: true })).length > 0) {
      state.lastId = parser.lastEventId() ?? state.lastId;
      o.onChange();
    }
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
