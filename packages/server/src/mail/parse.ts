import type { Readable } from 'node:stream';
import { MailParser } from 'mailparser';
import { attachmentId } from './attachment.js';
import type { AttachmentInfo } from './types.js';

/** Bodies longer than this are cut in the single-message view; the raw message has everything. */
const MAX_BODY_CHARS = 2 * 1024 * 1024;

export interface ParsedBody {
  headers: { name: string; value: string }[];
  text: string | null;
  html: string | null;
  attachments: AttachmentInfo[];
}

const cut = (s: string | undefined | false) => (s ? s.slice(0, MAX_BODY_CHARS) : null);

/**
 * Parses a stored message for the single-message view, streaming: attachment
 * contents are counted and discarded, never held in memory.
 */
export function parseBody(stream: Readable): Promise<ParsedBody> {
  return new Promise((resolve, reject) => {
    const parser = new MailParser({ skipImageLinks: true, skipTextLinks: true });
    const out: ParsedBody = { headers: [], text: null, html: null, attachments: [] };
    parser.on('headers', () => {
      for (const line of parser.headerLines || []) {
        const colon = line.line.indexOf(':');
        out.headers.push({
          name: line.line.slice(0, colon).trim(),
          value: line.line
            .slice(colon + 1)
            .replace(/\r?\n[ \t]+/g, ' ')
            .trim(),
        });
      }
    });
    parser.on('data', (data) => {
      if (data.type === 'text') {
        out.text = cut(data.text);
        out.html = cut(data.html);
        return;
      }
      const info: AttachmentInfo = {
        id: attachmentId(data.partId),
        index: out.attachments.length,
        filename: data.filename ?? null,
        contentType: data.contentType,
        size: 0,
        contentId: data.cid ?? null,
        inline: data.contentDisposition === 'inline',
      };
      out.attachments.push(info);
      data.content.on('data', (c: Buffer) => {
        info.size += c.length;
      });
      data.content.on('end', () => data.release?.());
      data.content.resume();
    });
    parser.on('end', () => resolve(out));
    parser.on('error', reject);
    stream.on('error', reject);
    stream.pipe(parser);
  });
}
