import type { Body } from './editor.js';
import { textToHtml } from './editor.js';

/** The user's signature as their settings hold it (`GET /users/{a}/settings` → `signature`). */
export interface Signature {
  text: string;
  html: string;
}

/** The conventional signature separator, "-- " (RFC 3676 §4.3): readers and clients recognize it. */
const SEPARATOR = '-- ';

/**
 * A new message's or a reply's body with the user's signature added: below
 * an empty first line for the user to write on, above any quoted original
 * (the order Chinese enterprise mail uses). The formatted signature (already
 * sanitized by the server, and sanitized again with the whole body on send)
 * goes into rich text, the plain-text one into plain text; a signature with
 * only the plain form is used in both. No signature: the body as it was.
 */
export function withSignature(body: Body, signature: Signature | null): Body {
  const text = signature?.text.trim() ?? '';
  const html = signature?.html.trim() ?? '';
  if (!text && !html) return body;
  if (body.mode === 'plain') {
    const sig = text || htmlToText(html);
    return { ...body, text: `\n\n${SEPARATOR}\n${sig}${body.text ? `\n\n${body.text}` : ''}` };
  }
  const sigHtml = html || textToHtml(text);
  return {
    ...body,
    html: `<p></p><p>${SEPARATOR}</p>${sigHtml}${body.html}`,
  };
}

/** The text of a formatted signature, for a plain-text message: line breaks kept, tags dropped. */
function htmlToText(html: string): string {
  const doc = new DOMParser().parseFromString(
    html.replace(/<br\s*\/?>/gi, '\n').replace(/<\/p>/gi, '\n'),
    'text/html',
  );
  return (doc.body.textContent ?? '').trim();
}
