import type { Readable } from 'node:stream';
import { type AddressObject, MailParser, simpleParser } from 'mailparser';
import type { Address, MessageIndex } from '../store/index.js';
import { attachmentId } from './attachment.js';
import type { AttachmentInfo } from './types.js';

const PREVIEW_CHARS = 200;
/** Bodies longer than this are cut in the single-message view; the raw message has everything. */
const MAX_BODY_CHARS = 2 * 1024 * 1024;

function addresses(value: AddressObject | AddressObject[] | undefined): Address[] {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  const out: Address[] = [];
  const walk = (entries: AddressObject['value']) => {
    for (const e of entries) {
      if (e.group) walk(e.group);
      else if (e.address) out.push({ name: e.name ?? '', address: e.address.toLowerCase() });
    }
  };
  for (const obj of list) walk(obj.value);
  return out;
}

/** Collapses whitespace and cuts to the preview length. */
export function previewOf(text: string | undefined): string {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > PREVIEW_CHARS ? `${flat.slice(0, PREVIEW_CHARS - 1)}…` : flat;
}

/**
 * The Date header as epoch ms, or null. Parsed from the raw line: mailparser
 * substitutes the current time for an unparsable date, which would sort
 * garbage as newest.
 */
function dateHeader(lines: ReadonlyArray<{ key: string; line: string }> | false): number | null {
  const line = (lines || []).find((l) => l.key === 'date')?.line;
  if (!line) return null;
  const value = line
    .slice(line.indexOf(':') + 1)
    .replace(/\([^)]*\)/g, ' ')
    .trim();
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}

/**
 * Body bytes parsed for the index in the common case. MIME parsing is the
 * largest single CPU cost of a delivery and grows with the bytes parsed; the
 * preview needs only the first lines of text, and attachments anywhere are
 * seen by ingest's scanner. A head whose first bytes hold no text at all (an
 * HTML mail opening with a large style block) is parsed again, whole.
 */
const INDEX_BODY_BYTES = 4096;

const parseHead = (buf: Buffer) =>
  simpleParser(buf, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });

function bodyStart(buf: Buffer): number {
  const crlf = buf.indexOf('\r\n\r\n');
  if (crlf >= 0) return crlf + 4;
  const lf = buf.indexOf('\n\n');
  return lf >= 0 ? lf + 2 : buf.length;
}

/** Index fields from the first bytes of a message (header and the start of the body). */
export async function parseIndex(head: Buffer, sawAttachment: boolean): Promise<MessageIndex> {
  const short = head.subarray(0, Math.min(head.length, bodyStart(head) + INDEX_BODY_BYTES));
  let mail = await parseHead(short);
  if (!mail.text?.trim() && short.length < head.length) mail = await parseHead(head);
  const from = addresses(mail.from)[0] ?? { name: '', address: '' };
  const date = dateHeader(mail.headerLines);
  return {
    from,
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    subject: mail.subject ?? '',
    date,
    messageId: mail.messageId ?? null,
    preview: previewOf(mail.text),
    hasAttachments:
      sawAttachment || mail.attachments.some((a) => a.contentDisposition === 'attachment' || !a.related),
  };
}

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
