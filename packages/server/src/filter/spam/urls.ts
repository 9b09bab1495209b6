import { urlHost } from './html.js';

/** http(s) and www. URLs in plain text; bounded length, so a run of URL characters cannot grow one match without end. */
const URL_IN_TEXT = /\b(?:https?:\/\/|www\.)[^\s<>"'()]{1,300}/gi;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
/** Public suffixes of two labels common in the corpora we see; a registrable domain takes one label more. */
const TWO_LABEL_SUFFIX = /\.(?:co|com|net|org|gov|edu|ac|ne|or)\.[a-z]{2}$/;

/** URLs written in plain text (at most `max`). */
export function urlsInText(text: string, max: number): string[] {
  const out: string[] = [];
  URL_IN_TEXT.lastIndex = 0;
  for (let m = URL_IN_TEXT.exec(text); m !== null && out.length < max; m = URL_IN_TEXT.exec(text)) {
    out.push(m[0].startsWith('www.') || m[0].startsWith('WWW.') ? `http://${m[0]}` : m[0]);
  }
  return out;
}

/** Whether a host is an IPv4 literal (or an IPv6 one in brackets). */
export function isIpHost(host: string): boolean {
  return IPV4.test(host) || host.startsWith('[');
}

/** The registrable part of a host: `a.b.example.com` → `example.com`, `x.example.co.uk` → `example.co.uk`. */
export function registrableDomain(host: string): string {
  const labels = host.split('.');
  const keep = TWO_LABEL_SUFFIX.test(host) ? 3 : 2;
  return labels.slice(-keep).join('.');
}

/** Tokens of one URL: its host and registrable domain (or the IP's /24), and the first words of its path. */
export function urlTokens(url: string, emit: (token: string) => void): void {
  const host = urlHost(url);
  if (!host) return;
  if (isIpHost(host)) {
    emit('u:ip');
    emit(`u:${host.split('.').slice(0, 3).join('.')}`);
  } else {
    emit(`u:${host}`);
    emit(`ud:${registrableDomain(host)}`);
  }
  const path = /^[^/]*\/\/[^/?#]*([^#]*)/.exec(url)?.[1] ?? '';
  let n = 0;
  for (const part of path.toLowerCase().split(/[/?&=.+_-]+/)) {
    if (part.length < 2 || part.length > 20) continue;
    emit(`up:${part}`);
    if (++n === 4) break;
  }
}
