import { type AddressObject, simpleParser } from 'mailparser';
import type { Address, MessageIndex } from '../../store/index.js';
import { previewOf } from '../parse-index.js';

/*
 * parseIndex as it was with mailparser's simpleParser, kept verbatim as the
 * reference the lean parse is tested against (parse-index.test.ts) and timed
 * against (bench/parse-index). Not used by the server.
 */

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

const INDEX_BODY_BYTES = 4096;

const parseHead = (buf: Buffer) =>
  simpleParser(buf, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });

function bodyStart(buf: Buffer): number {
  const crlf = buf.indexOf('\r\n\r\n');
  if (crlf >= 0) return crlf + 4;
  const lf = buf.indexOf('\n\n');
  return lf >= 0 ? lf + 2 : buf.length;
}

/** The index fields as mailparser gives them. */
export async function mailparserIndex(head: Buffer, sawAttachment: boolean): Promise<MessageIndex> {
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
