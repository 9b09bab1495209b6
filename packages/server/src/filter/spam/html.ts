import { decodeHTML } from 'entities';

/** What the tokenizer takes from an HTML part. */
export interface HtmlScan {
  /** The text a reader sees (tags dropped, entities decoded, style and script skipped). */
  text: string;
  /** Element names and a few telling attribute names, as structure tokens. */
  tags: string[];
  /** href/src/action URLs. */
  urls: string[];
  /** Link texts that name a host, with the host their href goes to. */
  links: Array<{ textHost: string; hrefHost: string }>;
  /** Text hidden from the reader: display:none, visibility:hidden, font-size 0–1, white-on-white. */
  hiddenText: boolean;
  images: number;
}

// Attribute text is bounded: an unclosed tag then costs at most 1,000 steps, not a scan to the end of the part.
const TAG = /<!--[\s\S]*?(?:-->|$)|<(\/?)([a-zA-Z][a-zA-Z0-9]{0,15})([^>]{0,1000})>/g;
const ATTR = /([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/g;
const SKIP = new Set(['style', 'script', 'title', 'head']);
const HIDDEN_STYLE =
  /display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*[01](?:\.\d+)?(?:px|pt)?\s*(?:;|$)/i;
const WHITE = /^(?:#f{3}|#f{6}|white)$/i;
/** Attributes worth a token of their own: they are what HTML spam leans on. */
const TELLING_ATTRS = new Set([
  'style',
  'bgcolor',
  'color',
  'size',
  'face',
  'width',
  'height',
  'alt',
  'onload',
  'onclick',
]);
const HOST_IN_TEXT = /(?:https?:\/\/)?((?:[a-z0-9-]+\.)+[a-z]{2,})/i;

function attributes(raw: string): Map<string, string> {
  const out = new Map<string, string>();
  ATTR.lastIndex = 0;
  for (let m = ATTR.exec(raw); m !== null && out.size < 32; m = ATTR.exec(raw)) {
    out.set((m[1] as string).toLowerCase(), decodeHTML(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  return out;
}

/** The host of an http(s) URL, lower case, or '' when it is none. */
export function urlHost(url: string): string {
  const m = /^\s*(?:https?:)?\/\/([^/?#:\s]+)/i.exec(url);
  return m ? (m[1] as string).toLowerCase().replace(/\.$/, '') : '';
}

function hides(attrs: Map<string, string>): boolean {
  const style = attrs.get('style') ?? '';
  if (HIDDEN_STYLE.test(style)) return true;
  const color = attrs.get('color') ?? /(?:^|;)\s*color\s*:\s*([^;]+)/i.exec(style)?.[1]?.trim();
  return color !== undefined && WHITE.test(color) && attrs.get('size') !== undefined;
}

/** Reads the HTML once, left to right; `html` is already bounded by the caller. */
export function scanHtml(html: string): HtmlScan {
  const scan: HtmlScan = { text: '', tags: [], urls: [], links: [], hiddenText: false, images: 0 };
  const text: string[] = [];
  let skipping = '';
  let anchor: { hrefHost: string; start: number } | null = null;
  let last = 0;
  TAG.lastIndex = 0;
  for (let m = TAG.exec(html); m !== null; m = TAG.exec(html)) {
    if (!skipping && m.index > last) text.push(decodeHTML(html.slice(last, m.index)));
    last = TAG.lastIndex;
    const name = m[2]?.toLowerCase();
    if (name === undefined) continue; // a comment
    if (m[1]) {
      if (name === skipping) skipping = '';
      if (name === 'a' && anchor) {
        const host = HOST_IN_TEXT.exec(text.slice(anchor.start).join(' ').slice(0, 200))?.[1]?.toLowerCase();
        if (host && anchor.hrefHost) scan.links.push({ textHost: host, hrefHost: anchor.hrefHost });
        anchor = null;
      }
      continue;
    }
    if (SKIP.has(name)) skipping = name;
    scan.tags.push(name);
    const attrs = attributes(m[3] ?? '');
    for (const key of attrs.keys()) if (TELLING_ATTRS.has(key)) scan.tags.push(`${name}.${key}`);
    if (hides(attrs)) scan.hiddenText = true;
    if (name === 'img') scan.images++;
    for (const key of ['href', 'src', 'action', 'background']) {
      const url = attrs.get(key);
      if (url) scan.urls.push(url);
    }
    if (name === 'a') anchor = { hrefHost: urlHost(attrs.get('href') ?? ''), start: text.length };
    // Block elements separate words: "<td>buy</td><td>now</td>" is two words.
    text.push(' ');
  }
  if (!skipping && last < html.length) text.push(decodeHTML(html.slice(last)));
  scan.text = text.join('');
  return scan;
}
