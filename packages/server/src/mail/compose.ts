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

export interface ComposeInput extends SendInput {
  from: Address;
  hostname: string;
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
 * Builds an RFC 5322 message with nodemailer's MailComposer (MIME, encodings,
 * RFC 2231 file names, Date). Blind copies never reach the recipients'
 * headers; the sender's copy keeps them, as mail clients file it.
 */
export async function composeMessage(input: ComposeInput): Promise<Composed> {
  const messageId = newMessageId(input.hostname);
  const date = new Date();
  const text = input.text ?? (input.html === undefined ? '' : plainTextOf(input.html));
  const compile = (keepBcc: boolean) => {
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
      attachments: input.attachments?.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: a.content,
        encoding: 'base64',
        cid: a.contentId,
      })),
      messageId,
      date,
    }).compile();
    node.keepBcc = keepBcc;
    return node.build();
  };
  const raw = await compile(false);
  const sentRaw = input.bcc?.length ? await compile(true) : undefined;
  return { raw, sentRaw, messageId };
}
