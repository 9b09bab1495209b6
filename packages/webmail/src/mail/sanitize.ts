import createDOMPurify, { type Config } from 'dompurify';

/**
 * Turns a message's HTML body into something safe to show: DOMPurify
 * removes scripts, event handlers, `javascript:` URLs and everything else
 * that could run code; on top of that this module
 *
 * - keeps HTML only (no SVG/MathML), and drops forms, media, frames, `<link>`, `<meta>`, `<base>`;
 * - blocks remote content until the user allows it: every `src`, `srcset`,
 *   `background` and CSS `url()` that points off this server is removed and
 *   counted (the count drives the "Show images" bar), `@import` is always removed;
 * - maps `cid:` references to this server's attachment URLs;
 * - drops relative URLs (a mail has no base; against ours they would call our own server);
 * - makes every link open in a new tab with `rel="noopener noreferrer"`.
 *
 * The page's Content-Security-Policy (`img-src 'self' data: blob:`) is the
 * second layer: whatever slipped past this would still not load.
 */
export interface SanitizeOptions {
  /** Load remote images and CSS backgrounds (the user clicked "Show images"). */
  allowRemote: boolean;
  /** The URL of the attachment with this Content-ID (without `<>`), or null when there is none. */
  cidUrl: (contentId: string) => string | null;
  /** The window whose DOM parses the mail; the page's own by default (tests pass jsdom's). */
  window?: Window & typeof globalThis;
}

export interface SanitizedMail {
  /** CSS of the mail's `<style>` elements, rewritten like the rest. */
  styles: string;
  /** The body's inner HTML. */
  body: string;
  /** References to remote content that were removed (0 when allowed or when there were none). */
  blockedRemote: number;
  /** Content-IDs the body refers to (their attachments are shown inline, not listed). */
  usedCids: string[];
}

type UrlKind = 'data' | 'cid' | 'remote' | 'link' | 'other';

/** What a URL in a mail points at; relative and unknown schemes are 'other'. */
export function classifyUrl(raw: string): UrlKind {
  // Browsers ignore ASCII whitespace and control characters in URLs; so must the check.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping what browsers strip
  const url = raw.replace(/[\u0000-\u0020\u007f]+/g, '').toLowerCase();
  if (url.startsWith('data:')) return 'data';
  if (url.startsWith('cid:')) return 'cid';
  if (url.startsWith('http:') || url.startsWith('https:') || url.startsWith('//')) return 'remote';
  if (url.startsWith('mailto:') || url.startsWith('tel:')) return 'link';
  return 'other';
}

const CSS_URL = /url\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^)"'\s]*))\s*\)/gi;
const CSS_IMPORT = /@import\b[^;]*;?/gi;

export interface Rewrite {
  allowRemote: boolean;
  cidUrl: (cid: string) => string | null;
  blocked: number;
  cids: Set<string>;
}

/** Maps a URL found in an image-ish place to what may stay, or null to drop it. */
function imageUrl(raw: string, r: Rewrite): string | null {
  switch (classifyUrl(raw)) {
    case 'data':
      return /^\s*data:image\//i.test(raw) ? raw : null;
    case 'cid': {
      const cid = decodeCid(raw);
      r.cids.add(cid);
      return r.cidUrl(cid);
    }
    case 'remote':
      if (r.allowRemote) return raw;
      r.blocked++;
      return null;
    default:
      return null;
  }
}

function decodeCid(raw: string): string {
  const value = raw.trim().slice(4).replace(/^<|>$/g, '');
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Rewrites the `url()`s of a style sheet or style attribute. CSS that hides a
 * `url(` behind escapes (`\75 rl(`), which the rewrite cannot see, or that
 * uses `image-set()`, is dropped whole.
 */
export function rewriteCss(css: string, r: Rewrite): string {
  // image-set() loads images from bare strings too; mail hardly uses it, so it goes whole.
  if (/image-set\(/i.test(css)) {
    r.blocked++;
    return '';
  }
  let out = css.replace(CSS_IMPORT, '');
  out = out.replace(CSS_URL, (_m, dq?: string, sq?: string, bare?: string) => {
    const url = imageUrl(dq ?? sq ?? bare ?? '', r);
    return url === null
      ? 'none'
      : `url("${url.replace(/["\\\n\r]/g, (c) => `\\${c.charCodeAt(0).toString(16)} `)}")`;
  });
  const unescaped = out.replace(/\\([0-9a-f]{1,6}\s?|.)/gi, (_m, e: string) =>
    /^[0-9a-f]/i.test(e) ? String.fromCodePoint(Number.parseInt(e, 16) || 0xfffd) : e,
  );
  const visible = (out.match(/url\(|image-set\(|@import/gi) ?? []).length;
  const real = (unescaped.match(/url\(|image-set\(|@import/gi) ?? []).length;
  if (real > visible) {
    r.blocked++;
    return '';
  }
  return out;
}

const CONFIG: Config = {
  USE_PROFILES: { html: true },
  WHOLE_DOCUMENT: true,
  RETURN_DOM: true,
  FORBID_TAGS: [
    'form',
    'input',
    'button',
    'textarea',
    'select',
    'option',
    'video',
    'audio',
    'source',
    'track',
    'picture',
    'iframe',
    'frame',
    'frameset',
    'object',
    'embed',
    'link',
    'meta',
    'base',
  ],
  FORBID_ATTR: ['srcset', 'ping', 'action', 'formaction', 'poster'],
};

/** Sanitizes a mail's HTML body for display in the message frame. */
export function sanitizeMail(html: string, options: SanitizeOptions): SanitizedMail {
  const win = options.window ?? window;
  const purify = createDOMPurify(win);
  const r: Rewrite = {
    allowRemote: options.allowRemote,
    cidUrl: options.cidUrl,
    blocked: 0,
    cids: new Set(),
  };

  purify.addHook('uponSanitizeElement', (node, data) => {
    if (data.tagName === 'style' && node.textContent) node.textContent = rewriteCss(node.textContent, r);
  });
  // srcset is forbidden (each candidate would need vetting); count its remote images as blocked.
  purify.addHook('uponSanitizeAttribute', (_node, data) => {
    if (data.attrName === 'srcset' && !options.allowRemote && /(https?:)?\/\//i.test(data.attrValue))
      r.blocked++;
  });
  purify.addHook('afterSanitizeAttributes', (node) => {
    const el = node as Element;
    if (!el.getAttribute) return;
    for (const attr of ['src', 'background']) {
      const value = el.getAttribute(attr);
      if (value === null) continue;
      const url = imageUrl(value, r);
      if (url === null) {
        el.removeAttribute(attr);
        if (attr === 'src' && classifyUrl(value) === 'remote') el.setAttribute('data-jdmail-blocked', '');
      } else el.setAttribute(attr, url);
    }
    const style = el.getAttribute('style');
    if (style !== null) {
      const css = rewriteCss(style, r);
      if (css.trim()) el.setAttribute('style', css);
      else el.removeAttribute('style');
    }
    if (el.hasAttribute('href')) {
      const href = el.getAttribute('href') ?? '';
      const kind = classifyUrl(href);
      if (kind === 'remote' || kind === 'link') {
        el.setAttribute('target', '_blank');
        el.setAttribute('rel', 'noopener noreferrer');
      } else el.removeAttribute('href');
    }
    if (el.hasAttribute('target') && !el.hasAttribute('href')) el.removeAttribute('target');
  });

  const root = purify.sanitize(html, CONFIG) as unknown as HTMLElement;
  const styles = [...root.querySelectorAll('style')]
    .map((s) => {
      const css = s.textContent ?? '';
      s.remove();
      return css;
    })
    // A style sheet is written raw into the frame: it must not be able to close its <style>.
    .filter((css) => !/<\/style/i.test(css))
    .join('\n');
  const body = root.querySelector('body')?.innerHTML ?? '';
  return { styles, body, blockedRemote: r.blocked, usedCids: [...r.cids] };
}
