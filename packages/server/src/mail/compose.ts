import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Address } from '../store/index.js';
import { newMessageId } from './headers.js';
import type { SendInput } from './types.js';

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
      text: input.text ?? (input.html === undefined ? '' : undefined),
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
