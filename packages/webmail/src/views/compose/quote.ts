import type { Address, MessageDetail } from '../../api/types.js';
import type { ComposeMode } from '../../router.js';

/** What a compose screen starts with. */
export interface ComposeStart {
  to: Address[];
  cc: Address[];
  bcc: Address[];
  subject: string;
  /** The body as HTML (the editor's) and as text (plain mode). */
  html: string;
  text: string;
  inReplyTo?: string;
  references?: string[];
  /** Attachments of the original carried over (forward, draft): `{ fromMessage, attachmentId }`. */
  carried: { fromMessage: string; attachmentId?: string; name: string; size: number }[];
}

/** The words the quoting uses, in the user's language. */
export interface QuoteWords {
  re: string;
  fwd: string;
  wrote: (sender: string, date: string) => string;
  forwarded: string;
  header: (field: 'from' | 'date' | 'subject' | 'to', value: string) => string;
  date: (iso: string) => string;
  forwardedName: string;
}

// Prefixes mail clients put before a subject, in English and Chinese (RFC 5322 §3.6.5 names "Re: ").
const PREFIX = /^\s*((re|fwd?|aw|wg|回复|答复|转发)\s*[:：]\s*)+/i;

/** The subject with one reply or forward prefix, never "Re: Re: 回复：…". */
export function prefixedSubject(subject: string, prefix: string): string {
  const bare = subject.replace(PREFIX, '').trim();
  return `${prefix}${bare}`;
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const show = (a: Address) => (a.name ? `${a.name} <${a.address}>` : a.address);
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Addresses once each, without `me` and without `skip`. */
function unique(list: Address[], me: string, skip: Address[] = []): Address[] {
  const out: Address[] = [];
  for (const a of list) {
    if (!a.address || same(a.address, me)) continue;
    if ([...out, ...skip].some((b) => same(a.address, b.address))) continue;
    out.push(a);
  }
  return out;
}

/** The original as plain text, each line quoted with `> ` (RFC 3676 §4.5). */
function quotedText(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => (line.startsWith('>') ? `>${line}` : `> ${line}`))
    .join('\n');
}

/** The original's body as HTML for quoting: its HTML (sanitized by the caller) or its text. */
function bodyHtml(original: MessageDetail, sanitize: (html: string) => string): string {
  if (original.html) return sanitize(original.html);
  return `<p>${escapeHtml(original.text ?? '').replace(/\r?\n/g, '<br>')}</p>`;
}

/**
 * The start of a reply, reply-all or forward of `original` by `me`: recipients (reply-all leaves
 * the user out), the prefixed subject, `In-Reply-To`/`References` (RFC 5322 §3.6.4), and the
 * original quoted below an empty first paragraph.
 */
export function startFrom(
  mode: Exclude<ComposeMode, 'new'>,
  original: MessageDetail,
  me: string,
  words: QuoteWords,
  sanitize: (html: string) => string,
): ComposeStart {
  const start: ComposeStart = { to: [], cc: [], bcc: [], subject: '', html: '', text: '', carried: [] };
  const sender = original.replyTo.length ? original.replyTo : [original.from];
  const date = words.date(original.date ?? original.receivedAt);
  if (mode === 'reply' || mode === 'replyAll') {
    start.to = unique(sender, me);
    if (start.to.length === 0) start.to = unique(original.to, '');
    if (mode === 'replyAll') start.cc = unique([...original.to, ...original.cc], me, start.to);
    start.subject = prefixedSubject(original.subject, words.re);
    if (original.messageId) {
      start.inReplyTo = original.messageId;
      start.references = [...original.references, original.messageId].slice(-20);
    }
    const intro = words.wrote(show(original.from), date);
    start.html = `<p></p><p>${escapeHtml(intro)}</p><blockquote>${bodyHtml(original, sanitize)}</blockquote>`;
    start.text = `\n\n${intro}\n${quotedText(original.text ?? '')}`;
    return start;
  }
  start.subject = prefixedSubject(original.subject, words.fwd);
  if (mode === 'forwardAttachment') {
    start.carried = [
      {
        fromMessage: original.id,
        name: `${original.subject || words.forwardedName}.eml`,
        size: original.size,
      },
    ];
    return start;
  }
  const head = [
    words.forwarded,
    words.header('from', show(original.from)),
    words.header('date', date),
    words.header('subject', original.subject),
    words.header('to', original.to.map(show).join(', ')),
  ];
  start.html = `<p></p><p>${head.map(escapeHtml).join('<br>')}</p>${bodyHtml(original, sanitize)}`;
  start.text = `\n\n${head.join('\n')}\n\n${original.text ?? ''}`;
  start.carried = original.attachments
    .filter((a) => !a.inline || !a.contentId)
    .map((a) => ({ fromMessage: original.id, attachmentId: a.id, name: a.filename ?? a.id, size: a.size }));
  return start;
}

/** A draft re-opened: its fields as they were, its attachments carried into the next version. */
export function startFromDraft(draft: MessageDetail): ComposeStart {
  return {
    to: draft.to,
    cc: draft.cc,
    bcc: draft.bcc,
    subject: draft.subject,
    html: draft.html ?? '',
    text: draft.html ? '' : (draft.text ?? ''),
    inReplyTo: draft.inReplyTo ?? undefined,
    references: draft.references.length ? draft.references : undefined,
    carried: draft.attachments.map((a) => ({
      fromMessage: draft.id,
      attachmentId: a.id,
      name: a.filename ?? a.id,
      size: a.size,
    })),
  };
}
