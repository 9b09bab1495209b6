import { simpleParser } from 'mailparser';

/** One part of a multipart/report: its Content-Type value and its raw body. */
export interface ReportPart {
  contentType: string;
  body: string;
}

/**
 * Reads a delivery status notification as an RFC 3464 reader would: the top
 * level parsed by mailparser, the report's parts split at its boundary, and
 * the `message/delivery-status` body as field groups (per-message first,
 * then one per recipient).
 */
export async function readReport(bytes: Buffer | string) {
  const parsed = await simpleParser(bytes);
  const type = parsed.headers.get('content-type') as { value: string; params: Record<string, string> };
  const boundary = type.params.boundary ?? '';
  const raw = Buffer.isBuffer(bytes) ? bytes.toString('utf8') : bytes;
  const sections = raw.split(`\r\n--${boundary}`);
  const parts: ReportPart[] = sections.slice(1, -1).map((s) => {
    const at = s.indexOf('\r\n\r\n');
    const head = s.slice(0, at);
    const ct = /content-type:\s*([^;\r\n]+)/i.exec(head)?.[1]?.trim().toLowerCase() ?? 'text/plain';
    return { contentType: ct, body: s.slice(at + 4) };
  });
  const status = parts.find((p) => p.contentType === 'message/delivery-status')?.body ?? '';
  const groups = status
    .trim()
    .split(/\r\n\r\n/)
    .map((g) =>
      Object.fromEntries(
        g.split('\r\n').map((line) => {
          const i = line.indexOf(':');
          return [line.slice(0, i).toLowerCase(), line.slice(i + 1).trim()];
        }),
      ),
    );
  return {
    parsed,
    type,
    parts,
    perMessage: groups[0] ?? {},
    perRecipient: groups.slice(1),
    closed: raw.trimEnd().endsWith(`--${boundary}--`),
  };
}
