/** One Server-Sent Event (HTML Living Standard §9.2, "Server-sent events"). */
export interface SseEvent {
  id: string | null;
  event: string;
  data: string;
}

/**
 * An incremental parser of the `text/event-stream` format (§9.2.6): feed it
 * decoded text as it arrives, in chunks cut anywhere; it returns the events
 * completed so far. Comments (`:` lines, the server's heartbeats) and
 * unknown fields are ignored; `retry` is reported for reconnection.
 */
export function createSseParser(onRetry: (ms: number) => void = () => {}) {
  let buffer = '';
  let data: string[] = [];
  let event = '';
  let id: string | null = null;
  let lastId: string | null = null;

  function line(text: string, out: SseEvent[]): void {
    if (text === '') {
      // §9.2.6 "dispatch the event": only when there is data; the id sticks either way.
      if (id !== null) lastId = id;
      if (data.length > 0) out.push({ id: lastId, event: event || 'message', data: data.join('\n') });
      data = [];
      event = '';
      id = null;
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id' && !value.includes('\0')) id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) onRetry(Number(value));
  }

  return {
    push(chunk: string): SseEvent[] {
      buffer += chunk;
      const out: SseEvent[] = [];
      // Lines end in CRLF, LF or CR; a CR at the very end may be half of a CRLF still to come.
      const parts = buffer.split(/\r\n|\n|\r(?!$)/);
      buffer = parts.pop() ?? '';
      for (const p of parts) line(p, out);
      return out;
    },
    /** The id of the last event seen, for `Last-Event-ID` on reconnection. */
    lastEventId: () => lastId,
  };
}
