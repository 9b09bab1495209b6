/** The event stream a signed-in user reads their own mail events from (the session cookie authenticates). */
export const MAIL_EVENTS_URL = '/api/v1/events/stream?types=message.*,mailbox.*';

const MAIL_EVENT_TYPES = [
  'message.new',
  'message.updated',
  'message.deleted',
  'mailbox.created',
  'mailbox.renamed',
  'mailbox.deleted',
] as const;

/** Polling, only while the stream is down: often enough to see new mail, rare enough for the server. */
export const FALLBACK_POLL_MS = 30_000;
/** Bursts of events (a 50-message move) become one refresh. */
const COALESCE_MS = 250;

export interface LiveOptions {
  /** Mail changed somewhere (new mail, read elsewhere, moved, folders changed): refresh quietly. */
  onChange: (kind: 'new' | 'other') => void;
  url?: string;
  createSource?: (url: string) => EventSource;
}

/**
 * Follows the user's mail events over Server-Sent Events. `EventSource`
 * reconnects by itself and sends `Last-Event-ID`, so nothing is missed across
 * a network blip; when the stream is refused or unsupported, it polls instead
 * (only while the page is visible, so an unattended tab does not keep a
 * session busy). Returns the function that stops it.
 */
export function followMailEvents(options: LiveOptions): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending: 'new' | 'other' | null = null;
  let poll: ReturnType<typeof setInterval> | null = null;
  const fire = (kind: 'new' | 'other') => {
    pending = pending === 'new' || kind === 'new' ? 'new' : 'other';
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      const k = pending ?? 'other';
      pending = null;
      options.onChange(k);
    }, COALESCE_MS);
  };
  const startPolling = () => {
    if (poll) return;
    poll = setInterval(() => {
      if (document.visibilityState === 'visible') fire('other');
    }, FALLBACK_POLL_MS);
  };

  let source: EventSource | null = null;
  try {
    source = (options.createSource ?? ((u) => new EventSource(u)))(options.url ?? MAIL_EVENTS_URL);
  } catch {
    source = null;
  }
  if (!source) startPolling();
  else {
    for (const type of MAIL_EVENT_TYPES)
      source.addEventListener(type, () => fire(type === 'message.new' ? 'new' : 'other'));
    source.addEventListener('open', () => {
      if (poll) {
        clearInterval(poll);
        poll = null;
        fire('other'); // catch up on what the polls may have missed
      }
    });
    // CLOSED after an error means the browser gave up (a 4xx answer): poll from now on.
    // CONNECTING means it is retrying by itself; poll meanwhile so the page stays fresh.
    source.addEventListener('error', () => startPolling());
  }
  return () => {
    source?.close();
    if (poll) clearInterval(poll);
    if (timer) clearTimeout(timer);
  };
}
