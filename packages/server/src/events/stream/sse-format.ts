/**
 * Server-Sent Events framing (HTML Living Standard §9.2.6, "Interpreting an
 * event stream"): `id`, `event` and `data` fields, a blank line ends an
 * event; a line starting with `:` is a comment, which clients ignore and
 * which keeps proxies from closing an idle connection.
 */

/** One event. `data` is JSON, which never holds a raw newline, so it is one `data:` line. */
export function sseEvent(id: number, type: string, data: string): string {
  return `id: ${id}\nevent: ${type}\ndata: ${data}\n\n`;
}

/** A comment line: heartbeats, and the stream's opening line. */
export const sseComment = (text: string): string => `: ${text}\n\n`;

/** `retry:` tells EventSource clients how long to wait before reconnecting (ms). */
export const sseRetry = (ms: number): string => `retry: ${ms}\n\n`;
