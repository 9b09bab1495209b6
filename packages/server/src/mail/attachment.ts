import type { Readable } from 'node:stream';
import { MailParser } from 'mailparser';

/**
 * The id of an attachment: its MIME part number as IMAP numbers parts
 * (RFC 3501 §6.4.5, e.g. `2` or `1.2.2`). mailparser numbers the parts of a
 * multipart tree; a message that is one non-text part (no tree) is part `1`.
 */
export const attachmentId = (partId: string | null | undefined): string => partId || '1';

/** An attachment found in a message: metadata and its decoded content, streamed. */
export interface AttachmentStream {
  contentType: string;
  /** The `charset` parameter of its Content-Type, if any (meaningful for text types). */
  charset: string | null;
  filename: string | null;
  /** The decoded bytes; destroy it to stop early (the message source is closed either way). */
  content: Readable;
}

interface ParsedAttachment {
  partId?: string | null;
  contentType: string;
  filename?: string;
  headers: Map<string, unknown>;
  content: Readable;
  release: (() => void) | null;
}

/**
 * Finds attachment `id` in a stored message and streams its decoded content.
 * Parts before it are decoded and discarded as they pass, so memory stays
 * small whatever the sizes; parsing stops once the wanted part has been read
 * (or abandoned by the reader). Resolves null when the message has no such part, or none the
 * parser can reach (it gives up on a MIME header over 1 MiB or more than 1,000 parts).
 */
export function findAttachment(source: Readable, id: string): Promise<AttachmentStream | null> {
  return new Promise((resolve, reject) => {
    const parser = new MailParser({ skipImageLinks: true, skipTextLinks: true, skipHtmlToText: true });
    let found: Readable | null = null;
    const stop = () => {
      source.unpipe(parser);
      source.destroy();
      parser.destroy();
    };
    parser.on('data', (data: ParsedAttachment | { type: 'text' }) => {
      if (!('content' in data)) return;
      if (found || attachmentId(data.partId) !== id) {
        data.release?.(); // released: mailparser drains it without waiting for a reader
        data.content.resume();
        return;
      }
      found = data.content;
      // A failure before the reader attaches (the parser giving up on a later part) must not go
      // unheard: an 'error' without a listener would end the process. The reader's own listeners
      // still see it.
      found.on('error', () => {});
      // 'close' follows 'end' and also an early destroy by the reader (client went away).
      data.content.once('close', stop);
      data.content.once('end', () => data.release?.());
      const ct = data.headers.get('content-type') as { params?: Record<string, string> } | undefined;
      resolve({
        contentType: data.contentType,
        charset: ct?.params?.charset ?? null,
        filename: data.filename ?? null,
        content: data.content,
      });
    });
    parser.on('end', () => {
      if (!found) resolve(null);
    });
    const fail = (err: Error, unreadable: boolean) => {
      stop();
      // The parser gave up past the wanted part, which it had read whole: its reader gets all of it.
      if (found && unreadable && (found as Readable & { writableEnded?: boolean }).writableEnded) return;
      // Once streaming, the reader must see the failure (a cut response), not a short file.
      if (found) found.destroy(err);
      // A part past the parser's limits (see parseBody) is one the message view never listed.
      else if (unreadable) resolve(null);
      else reject(err);
    };
    parser.on('error', (err) => fail(err, true));
    source.on('error', (err) => fail(err, false));
    source.pipe(parser);
  });
}
