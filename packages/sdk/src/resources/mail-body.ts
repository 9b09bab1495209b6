import { bytesToBase64 } from '../base64.js';
import type { AttachmentContent, SendInputAttachment, SendRequest } from '../types.js';

/** The request body of a send or draft: attachments given as bytes base64-encoded, the others as they are. */
export async function encodeAttachments<T extends { attachments?: SendInputAttachment[] }>(
  input: T,
): Promise<Omit<T, 'attachments'> & { attachments?: SendRequest['attachments'] }> {
  const { attachments, ...rest } = input;
  if (!attachments) return rest;
  return {
    ...rest,
    attachments: await Promise.all(
      attachments.map(async (a) => ('content' in a ? { ...a, content: await base64(a.content) } : a)),
    ),
  };
}

/** A string is taken as base64 already; bytes are encoded. */
async function base64(content: AttachmentContent): Promise<string> {
  if (typeof content === 'string') return content;
  if (content instanceof Uint8Array) return bytesToBase64(content);
  return bytesToBase64(
    new Uint8Array(content instanceof ArrayBuffer ? content : await content.arrayBuffer()),
  );
}
