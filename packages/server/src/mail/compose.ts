import type { Readable } from 'node:stream';
import { convert } from 'html-to-text';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Address } from '../store/index.js';
import { newMessageId } from './headers.js';
import { htmlToText } from './html-text.js';
import type { SendInput } from './types.js';

/** Larger HTML gets the linear preview conversion: html-to-text would hold the event loop for seconds. */
const CONVERT_MAX_CHARS = 1024 * 1024;

/**
 * The plain-text alternative of an HTML-only message, as html-to-text lays it out (paragraphs,
 * lists, tables, `text [url]` links). Plain-text readers and spam filters expect one; an
 * HTML-only message is a spam signal (SpamAssassin's MIME_HTML_ONLY).
 */
export function plainTextOf(html: string): string {
  if (html.length <= CONVERT_MAX_CHARS) {
    try {
      return convert(html, {
        wordwrap: 76,
        selectors: [
          { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
          { selector: 'img', format: 'skip' },
        ],
      });
    } catch {
      // Deeply nested markup exhausts its recursion; the fallback below is iterative.
    }
  }
  return htmlToText(html)
    .replace(/[ \t]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .trim();
}

/** An attachment as the composer takes it: base64 in the request, or a file (upload, copied part). */
export interface ComposeAttachment {
  filename: string;
  contentType?: string;
  contentId?: string;
  /** Base64 (RFC 4648 §4). */
  content?: string;
  /** A file read as the message streams out, never held whole. */
  path?: string;
}

export interface ComposeInput extends Omit<SendInput, 'attachments' | 'draftId'> {
  from: Address;
  hostname: string;
  attachments?: ComposeAttachment[];
}

/** A composed message that can be read as often as needed, each time as a stream. */
export interface ComposedStreams {
  messageId: string;
  /** True when the sender's copy differs (it keeps `Bcc:`). */
  hasBcc: boolean;
  /** The message; `keepBcc` for the sender's own copy. Attachments given as files are read as it flows. */
  open(keepBcc: boolean): Readable;
}

export interface Composed {
  /** What the recipients get: no `Bcc:` header. */
  raw: Buffer;
  /**
   * The sender's own copy, with the `Bcc:` header, when there are blind
   * copies; undefined when it would be `raw` byte for byte.
   */
  sentRaw?: Buffer;
  messageId: string;
}

/**
 * Composes an RFC 5322 message with nodemailer's MailComposer (MIME, encodings,
 * RFC 2231 file names, Date) as a stream: a 100 MB attachment given as a file
 * is read and base64-encoded as the message flows to the store, never held.
 * Blind copies never reach the recipients' headers; the sender's copy keeps them,
 * as mail clients file it.
 */
export function composeStreams(input: ComposeInput): ComposedStreams {
  const messageId = newMessageId(input.hostname);
  const date = new Date();
  const text = input.text ?? (input.html === undefined ? '' : plainTextOf(input.html));
  const open = (keepBcc: boolean) => {
    const node = new MailComposer({
      from: input.from,
      // Blind copies only: an empty group says so, as mail clients write it (RFC 5322 §3.6.3).
      to: input.to?.length || input.cc?.length ? input.to : 'undisclosed-recipients:;',
      cc: input.cc,
      bcc: input.bcc,
      replyTo: input.replyTo,
      inReplyTo: input.inReplyTo,
      references: input.references ?? input.inReplyTo,
      subject: input.subject,
      text,
      html: input.html,
      attachments: input.attachments?.map((a) =>
        a.path === undefined
          ? {
              filename: a.filename,
              contentType: a.contentType,
              content: a.content,
              encoding: 'base64',
              cid: a.contentId,
            }
          : {
              filename: a.filename,
              contentType: a.contentType,
              path: a.path,
              cid: a.contentId,
              // A forwarded message is a file to open, not part of the text (nodemailer would inline it).
              ...(a.contentType === 'message/rfc822' ? { contentDisposition: 'attachment' as const } : {}),
            },
      ),
      messageId,
      date,
      // Files are ours (uploads, scratch copies), never a URL or a path a client named.
      disableUrlAccess: true,
    }).compile();
    node.keepBcc = keepBcc;
    return node.createReadStream();
  };
  return { messageId, hasBcc: (input.bcc?.length ?? 0) > 0, open };
}

/** {@link composeStreams} read into memory: for small messages and tests. */
export async function composeMessage(input: ComposeInput): Promise<Composed> {
  const composed = composeStreams(input);
  const read = async (keepBcc: boolean) => {
    const chunks: Buffer[] = [];
    for await (const chunk of composed.open(keepBcc)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  const raw = await read(false);
  const sentRaw = composed.hasBcc ? await read(true) : undefined;
  return { raw, sentRaw, messageId: composed.messageId };
}
