/**
 * Delivery status notifications (RFC 3464) in a `multipart/report` (RFC 6522):
 * a human-readable part in Chinese and English, the machine-readable
 * `message/delivery-status`, and the original message's header section as
 * `text/rfc822-headers`. Built here as bytes: the layout is fixed and small,
 * and every field must be exactly as the RFCs spell it.
 */
import { newId } from '../shared/index.js';

/** One recipient the notice is about. */
export interface DsnRecipient {
  address: string;
  /** SMTP reply code of the last answer, when there was one. */
  code: number | null;
  /** RFC 3463 enhanced status code, when known. */
  enhanced: string | null;
  /** The remote answer, or why there was none. */
  response: string;
  remoteHost: string | null;
  lastAttemptAt: number | null;
}

export interface DsnInput {
  /** `failed`: a bounce; `delayed`: a delay notice (the message is still queued). */
  action: 'failed' | 'delayed';
  /** This server's name: `Reporting-MTA`, and the domain of MAILER-DAEMON. */
  hostname: string;
  /** Who gets the notice: the original envelope sender. */
  to: string;
  arrivalDate: number;
  /** `delayed` only: when the queue gives up. */
  willRetryUntil?: number;
  originalMessageId: string | null;
  originalSubject: string;
  /** The original header section, up to its empty line (CRLF line endings). */
  originalHeaders: Buffer;
  recipients: DsnRecipient[];
  now: number;
}

export interface Dsn {
  bytes: Buffer;
  messageId: string;
  subject: string;
  from: string;
  preview: string;
}

const SUBJECTS = {
  failed: '退信：邮件无法投递 / Undelivered Mail Returned to Sender',
  delayed: '延迟通知：邮件尚未投递 / Delayed Mail (still being retried)',
};

/** RFC 5322 date-time, as every Date field wants it. */
const rfcDate = (ms: number) => new Date(ms).toUTCString().replace('GMT', '+0000');

/** RFC 2047 encoded-words for a header value that is not ASCII, each within its 75-character bound. */
function encodeWords(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  const words: string[] = [];
  let chunk = '';
  for (const ch of text) {
    // 45 bytes of UTF-8 → 60 base64 characters: with "=?UTF-8?B?" and "?=", 72.
    if (Buffer.byteLength(chunk + ch) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join('\r\n ');
}

/** A remote answer on one header line: no CR/LF, no control characters, bounded. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: controls are what is removed
const CONTROLS = /[\x00-\x1f\x7f]/g;
const oneLine = (text: string, max = 900) =>
  text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(CONTROLS, '')
    .slice(0, max);

const base64Lines = (data: Buffer) => (data.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');

/** The RFC 3463 status of a recipient: its own, or one its reply code's class implies. */
export function statusOf(action: 'failed' | 'delayed', r: DsnRecipient): string {
  // A delayed recipient's status is temporary (4.x.x); a failed one's is its answer's (a 4.x.x when given up).
  const classes = action === 'delayed' ? /^4\.\d{1,3}\.\d{1,3}$/ : /^[45]\.\d{1,3}\.\d{1,3}$/;
  if (r.enhanced && classes.test(r.enhanced)) return r.enhanced;
  if (action === 'delayed') return '4.0.0';
  if (r.code !== null && r.code >= 500) return '5.0.0';
  // No answer, or a temporary one until the queue gave up: delivery time expired.
  return '4.4.7';
}

function humanText(input: DsnInput): string {
  const lines = input.recipients.map((r) => `  <${r.address}>: ${oneLine(r.response, 500)}`).join('\n');
  const until = input.willRetryUntil ? rfcDate(input.willRetryUntil) : '';
  const zh =
    input.action === 'failed'
      ? `这是 ${input.hostname} 的邮件系统。\n\n很抱歉，您的邮件未能投递给以下收件人，系统已放弃投递：\n`
      : `这是 ${input.hostname} 的邮件系统。\n\n您的邮件尚未投递给以下收件人。系统会继续尝试，直到 ${until}。\n您无需重新发送；如果最终失败，您会再收到一封退信。\n`;
  const en =
    input.action === 'failed'
      ? `This is the mail system at ${input.hostname}.\n\nI'm sorry: your message could not be delivered to the recipients below,\nand delivery has been given up:\n`
      : `This is the mail system at ${input.hostname}.\n\nYour message has not yet been delivered to the recipients below. It will be\nretried until ${until}. You do not need to send it again; if delivery\nfinally fails you will get another notice.\n`;
  const subject = `主题 / Subject: ${oneLine(input.originalSubject, 200)}\n`;
  return `${zh}\n${lines}\n\n${en}\n${lines}\n\n${subject}`;
}

function deliveryStatus(input: DsnInput): string {
  const head = [`Reporting-MTA: dns; ${input.hostname}`, `Arrival-Date: ${rfcDate(input.arrivalDate)}`];
  const blocks = input.recipients.map((r) => {
    const fields = [
      `Final-Recipient: rfc822; ${r.address}`,
      `Action: ${input.action}`,
      `Status: ${statusOf(input.action, r)}`,
    ];
    if (r.remoteHost) fields.push(`Remote-MTA: dns; ${oneLine(r.remoteHost, 255)}`);
    if (r.code !== null) fields.push(`Diagnostic-Code: smtp; ${oneLine(`${r.code} ${r.response}`)}`);
    if (r.lastAttemptAt !== null) fields.push(`Last-Attempt-Date: ${rfcDate(r.lastAttemptAt)}`);
    if (input.action === 'delayed' && input.willRetryUntil)
      fields.push(`Will-Retry-Until: ${rfcDate(input.willRetryUntil)}`);
    return fields.join('\r\n');
  });
  return `${[head.join('\r\n'), ...blocks].join('\r\n\r\n')}\r\n`;
}

/** The notice as a complete message (CRLF line endings), with the fields its index needs. */
export function composeDsn(input: DsnInput): Dsn {
  const boundary = `=_jdmail_report_${newId(input.now)}`;
  const messageId = `<${newId(input.now)}.dsn@${input.hostname}>`;
  const from = `MAILER-DAEMON@${input.hostname}`;
  const subject = SUBJECTS[input.action];
  const text = humanText(input);
  const headers = input.originalHeaders;
  const eightBit = headers.some((b) => b >= 0x80);
  const top = [
    `From: Mail Delivery System <${from}>`,
    `To: <${input.to}>`,
    `Subject: ${encodeWords(subject)}`,
    `Date: ${rfcDate(input.now)}`,
    `Message-ID: ${messageId}`,
    ...(input.originalMessageId
      ? [`In-Reply-To: ${input.originalMessageId}`, `References: ${input.originalMessageId}`]
      : []),
    // RFC 3834 §5: an automatic answer; no auto-responder answers it in turn.
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status;\r\n boundary="${boundary}"`,
    '',
    'This is a MIME-encapsulated delivery status notification (RFC 3464).',
    '',
  ];
  const parts = [
    `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(Buffer.from(text.replace(/\n/g, '\r\n')))}\r\n`,
    `--${boundary}\r\nContent-Type: message/delivery-status\r\n\r\n${deliveryStatus(input)}`,
    `--${boundary}\r\nContent-Type: text/rfc822-headers\r\nContent-Transfer-Encoding: ${eightBit ? '8bit' : '7bit'}\r\n\r\n`,
  ];
  const bytes = Buffer.concat([
    Buffer.from(`${top.join('\r\n')}\r\n${parts.join('')}`),
    headers,
    Buffer.from(`${headers.subarray(-2).toString() === '\r\n' ? '' : '\r\n'}\r\n--${boundary}--\r\n`),
  ]);
  const preview = text.replace(/\s+/g, ' ').trim().slice(0, 200);
  return { bytes, messageId, subject, from, preview };
}
