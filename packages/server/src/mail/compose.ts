import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Address } from '../store/index.js';
import { newMessageId } from './headers.js';
import type { SendInput } from './types.js';

/** Builds an RFC 5322 message with nodemailer's MailComposer (MIME, encodings, Date). */
export async function composeMessage(
  input: SendInput & { from: Address; hostname: string },
): Promise<{ raw: Buffer; messageId: string }> {
  const messageId = newMessageId(input.hostname);
  const composer = new MailComposer({
    from: input.from,
    to: input.to,
    cc: input.cc,
    subject: input.subject,
    text: input.text,
    html: input.html,
    messageId,
    date: new Date(),
  });
  const raw = await composer.compile().build();
  return { raw, messageId };
}
