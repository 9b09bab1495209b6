import type { HeaderField } from './mime-parts.js';
import { registrableDomain } from './urls.js';

/**
 * Tokens of the top-level header section, each prefixed with its header's
 * name (as SpamAssassin does), so "free" in a Subject and "free" in a body
 * are learned apart.
 */

/** Headers whose values carry no signal, or carry another filter's verdict (which we must not learn from). */
const IGNORED =
  /^(?:date|delivery-date|resent-date|message-id|received|content-length|lines|status|x-status|x-uid|x-keywords|dkim-signature|domainkey-signature|arc-.*|x-spam-.*|x-virus-.*|delivered-to|return-path|references|in-reply-to|x-original-.*|mime-version|content-transfer-encoding|subject|from|to|cc|reply-to|content-type)$/;
const MAX_VALUE_CHARS = 300;

export type WordSink = (text: string, prefix: string) => void;

/** The domain of the first address in a header value, lower case ('' if none). */
export function addressDomain(value: string): string {
  const m = /@([a-z0-9.-]+\.[a-z]{2,})/i.exec(value);
  return m ? (m[1] as string).toLowerCase() : '';
}

/** The display name of a From value (`"Bob" <bob@x>` → `Bob`), '' when only an address is given. */
export function displayName(value: string): string {
  const lt = value.indexOf('<');
  if (lt <= 0) return /\(([^)]*)\)/.exec(value)?.[1] ?? '';
  return value.slice(0, lt).replace(/^[\s"]+|[\s"]+$/g, '');
}

function fromTokens(value: string, words: WordSink, emit: (t: string) => void): void {
  const name = displayName(value);
  words(name, 'fn:');
  const domain = addressDomain(value.slice(value.indexOf('<') + 1));
  if (domain) {
    emit(`fd:${domain}`);
    emit(`fdr:${registrableDomain(domain)}`);
  }
  const local = /([^<\s"]+)@/.exec(value)?.[1] ?? '';
  if (/\d{3,}/.test(local)) emit('F:from-local-digits');
  // A display name that is itself an address of another domain: `"paypal.com" <x@evil.test>`.
  const named = addressDomain(name) || /\b([a-z0-9-]+\.(?:com|net|org))\b/i.exec(name)?.[1]?.toLowerCase();
  if (named && domain && registrableDomain(named) !== registrableDomain(domain))
    emit('F:from-name-other-domain');
}

/** Tokens of the hops a message came through: hosts' domains, IP /16s and /24s, and the protocol. */
function receivedTokens(values: string[], emit: (t: string) => void): void {
  for (const full of values.slice(0, 8)) {
    const value = full.slice(0, 500);
    for (const ip of value.match(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g)?.slice(0, 4) ?? []) {
      const octets = ip.split('.');
      emit(`rip:${octets.slice(0, 2).join('.')}`);
      emit(`rip:${octets.slice(0, 3).join('.')}`);
    }
    for (const host of value
      .toLowerCase()
      .match(/\b(?:[a-z0-9-]+\.)+[a-z]{2,}\b/g)
      ?.slice(0, 4) ?? [])
      emit(`rh:${registrableDomain(host)}`);
    const proto = /\bwith\s+([a-z0-9]+)/i.exec(value)?.[1];
    if (proto) emit(`rw:${proto.toLowerCase()}`);
  }
}

/** A coarse bucket of a count, so "to:7" and "to:8" are one token. */
export function bucket(n: number): string {
  return n === 0 ? '0' : n === 1 ? '1' : n <= 5 ? '2-5' : n <= 20 ? '6-20' : '21+';
}

function subjectTokens(subject: string, prose: WordSink, emit: (t: string) => void): void {
  prose(subject, 's:');
  const letters = subject.replace(/[^A-Za-z]/g, '');
  if (letters.length >= 8 && letters.replace(/[^A-Z]/g, '').length / letters.length > 0.6)
    emit('F:subject-caps');
  if (/!{1,}\s*$|!!/.test(subject)) emit('F:subject-exclaim');
  if (/\$\d|\d+%/.test(subject)) emit('F:subject-money');
}

/** Emits the header section's tokens through `emit` (single tokens), `words` (text cut into words) and `prose` (words and word pairs: the Subject). */
export function headerTokens(
  headers: HeaderField[],
  words: WordSink,
  emit: (t: string) => void,
  prose: WordSink = words,
): void {
  const first = (name: string) => headers.find((h) => h.name === name)?.value;
  const all = (name: string) => headers.filter((h) => h.name === name).map((h) => h.value);
  subjectTokens(first('subject') ?? '', prose, emit);
  const from = first('from') ?? '';
  fromTokens(from, words, emit);
  const replyTo = first('reply-to');
  if (replyTo && addressDomain(replyTo) && addressDomain(replyTo) !== addressDomain(from))
    emit('F:replyto-other-domain');
  const to = all('to').join(',');
  emit(`to:${bucket(to.split(',').filter((a) => a.includes('@')).length)}`);
  emit(
    `cc:${bucket(
      all('cc')
        .join(',')
        .split(',')
        .filter((a) => a.includes('@')).length,
    )}`,
  );
  const messageId = first('message-id');
  if (messageId) emit(`mid:${/@([^>\s]+)/.exec(messageId)?.[1]?.toLowerCase() ?? 'nodomain'}`);
  else emit('F:no-message-id');
  if (!first('date')) emit('F:no-date');
  receivedTokens(all('received'), emit);
  const contentType = (first('content-type') ?? 'text/plain').toLowerCase();
  emit(`ct:${contentType.split(';')[0]?.trim()}`);
  for (const h of headers.slice(0, 100)) {
    emit(`hn:${h.name}`);
    if (!IGNORED.test(h.name)) words(h.value.slice(0, MAX_VALUE_CHARS), `h:${h.name}:`);
  }
}
