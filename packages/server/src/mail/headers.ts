import { randomBytes } from 'node:crypto';

/**
 * Where the header section ends (the line break of its last line included)
 * and the body starts: after the first empty line (RFC 5322 §2.1), CRLF or
 * bare LF. Undefined while no empty line has been seen.
 */
export function splitHeaderSection(buf: Buffer): { headerEnd: number; bodyStart: number } | undefined {
  if (buf[0] === 0x0a) return { headerEnd: 0, bodyStart: 1 };
  if (buf[0] === 0x0d && buf[1] === 0x0a) return { headerEnd: 0, bodyStart: 2 };
  const lf = buf.indexOf('\n\n');
  const crlf = buf.indexOf('\n\r\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { headerEnd: crlf + 1, bodyStart: crlf + 3 };
  if (lf >= 0) return { headerEnd: lf + 1, bodyStart: lf + 2 };
  return undefined;
}

/** RFC 5322 §3.3 date-time, e.g. `Sun, 29 Nov 2026 01:02:03 +0000`. */
export function rfc5322Date(d = new Date()): string {
  return d.toUTCString().replace(/GMT$/, '+0000');
}

/** A fresh Message-ID (RFC 5322 §3.6.4) under our hostname. */
export function newMessageId(hostname: string): string {
  return `<${Date.now().toString(36)}.${randomBytes(9).toString('base64url')}@${hostname}>`;
}

/**
 * For submission (RFC 6409 §8.2, §8.3): the MSA adds Message-ID and Date
 * when the client left them out.
 */
export function missingSubmissionHeaders(hostname: string) {
  return (section: string): string => {
    let add = '';
    if (!/(^|\n)message-id[ \t]*:/i.test(section)) add += `Message-ID: ${newMessageId(hostname)}\r\n`;
    if (!/(^|\n)date[ \t]*:/i.test(section)) add += `Date: ${rfc5322Date()}\r\n`;
    return add;
  };
}

export interface TraceInput {
  /** HELO/EHLO name the client gave. */
  helo: string;
  /** Reverse-DNS name of the client, if known. */
  clientHostname?: string;
  clientAddress: string;
  /** Our hostname. */
  by: string;
  /** `SMTP`, `ESMTP`, `ESMTPS`, `ESMTPSA`, `HTTP` … (RFC 3848). */
  protocol: string;
  id: string;
  /** Set when there is exactly one recipient (RFC 5321 §4.4: `for` leaks the envelope otherwise). */
  for?: string;
}

const clean = (s: string) => s.replace(/[^\x21-\x7e]/g, '').slice(0, 255);

/** A `Received:` trace header, RFC 5321 §4.4, CRLF-terminated and folded. */
export function receivedHeader(t: TraceInput, date = new Date()): string {
  const from = `from ${clean(t.helo) || 'unknown'} (${t.clientHostname ? `${clean(t.clientHostname)} ` : ''}[${clean(t.clientAddress)}])`;
  const forPart = t.for ? `\r\n\tfor <${clean(t.for)}>` : '';
  return `Received: ${from}\r\n\tby ${clean(t.by)} (jdmail) with ${t.protocol} id ${clean(t.id)}${forPart};\r\n\t${rfc5322Date(date)}\r\n`;
}
