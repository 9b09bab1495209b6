import { bucket, headerTokens } from './headers.js';
import { scanHtml, urlHost } from './html.js';
import { type MailParts, mailParts } from './mime-parts.js';
import { normalizeText } from './normalize.js';
import { isIpHost, registrableDomain, urlsInText, urlTokens } from './urls.js';
import { emitWords } from './words.js';

/** Bounds on what one message may cost to tokenize, whatever it holds. */
export interface TokenizeLimits {
  /** Bytes of the message read (default 512 KiB): past that, a message's start is what decides. */
  maxBytes: number;
  /** Characters kept of each decoded text part (default 100,000). */
  maxPartChars: number;
  /** MIME parts looked at (default 64). */
  maxParts: number;
  /** Distinct tokens kept (default 3,000); header tokens come first. */
  maxTokens: number;
  /** URLs looked at (default 64). */
  maxUrls: number;
}

export interface TokenizeOptions {
  limits?: Partial<TokenizeLimits>;
  /** Emit our own mail features (`F:` tokens) too; on by default (`bench/spam/` measures them off). */
  features?: boolean;
  /**
   * Word pairs (Rspamd's OSB, window 4) of body and Subject text; off by default: `bench/spam/cv.ts`
   * measured them worse with chi-square combining (pairs repeat their words' evidence, so more
   * messages end at 0.5 with strong evidence both ways). See bench/README.md.
   */
  pairs?: boolean;
  /**
   * Tokens of HTML structure (`t:font.color`) and `F:html-only`: off by default. They say "this is
   * HTML" far more than "this is spam", and learn whatever share of HTML the ham at hand has.
   */
  htmlTags?: boolean;
}

/** Words before each word that it is paired with (Rspamd's OSB window is 5 words: 4 pairs). */
export const PAIR_WINDOW = 4;

export const DEFAULT_LIMITS: TokenizeLimits = {
  maxBytes: 512 * 1024,
  maxPartChars: 100_000,
  maxParts: 64,
  maxTokens: 3000,
  maxUrls: 64,
};

/** A token sink with a cap: tokens past `max` distinct ones are dropped. */
class TokenSet {
  readonly tokens = new Set<string>();
  constructor(
    readonly max: number,
    readonly features: boolean,
    readonly htmlTags: boolean,
    readonly pairWindow: number,
  ) {}
  emit = (token: string): void => {
    if (this.tokens.size >= this.max) return;
    if (!this.features && token.startsWith('F:')) return;
    if (!this.htmlTags && (token.startsWith('t:') || token === 'F:html-only')) return;
    this.tokens.add(token);
  };
  open = (): boolean => this.tokens.size < this.max;
  words = (text: string, prefix: string): void => {
    if (text) emitWords(normalizeText(text), prefix, this.emit, this.open);
  };
  /** Words and their pairs: running text (body, Subject), where word order means something. */
  prose = (text: string, prefix: string): void => {
    if (text) emitWords(normalizeText(text), prefix, this.emit, this.open, this.pairWindow);
  };
}

function bodyTokens(parts: MailParts, set: TokenSet, limits: TokenizeLimits): void {
  const urls: string[] = [];
  const hasPlain = parts.texts.some((t) => !t.html);
  let hiddenText = false;
  let textChars = 0;
  for (const part of parts.texts) {
    if (part.charset) set.emit(`cs:${part.charset}`);
    if (part.encoding === 'base64') set.emit('F:text-base64');
    let text = part.text;
    if (part.html) {
      const html = scanHtml(text);
      for (const tag of html.tags.slice(0, 400)) set.emit(`t:${tag}`);
      urls.push(...html.urls);
      hiddenText ||= html.hiddenText;
      for (const { textHost, hrefHost } of html.links)
        if (registrableDomain(textHost) !== registrableDomain(hrefHost)) set.emit('F:link-text-other-domain');
      if (html.images > 0 && html.text.trim().length < 200) set.emit('F:html-images-little-text');
      text = html.text;
      // An HTML part beside a plain one says the same: its words are already counted.
      if (hasPlain) continue;
    }
    textChars += text.length;
    urls.push(...urlsInText(text, limits.maxUrls));
    set.prose(text, '');
  }
  if (!hasPlain && parts.texts.length > 0) set.emit('F:html-only');
  if (hiddenText) set.emit('F:html-hidden-text');
  if (textChars === 0) set.emit('F:no-text');
  const kept = urls.slice(0, limits.maxUrls);
  set.emit(`F:urls:${bucket(new Set(kept).size)}`);
  for (const url of kept) {
    urlTokens(url, set.emit);
    if (isIpHost(urlHost(url))) set.emit('F:url-ip-host');
  }
}

function attachmentTokens(parts: MailParts, set: TokenSet): void {
  for (const { type, filename } of parts.attachments) {
    set.emit(`att:${type}`);
    const ext = /\.([a-z0-9]{1,8})$/i.exec(filename)?.[1];
    if (ext) set.emit(`att.ext:${ext.toLowerCase()}`);
  }
}

/**
 * The distinct tokens of a raw message (RFC 5322 bytes, an mbox `From ` line
 * allowed): header tokens prefixed by header name, body words (CJK runs as
 * bigrams, after NFKC and traditional → simplified), HTML structure, URLs and
 * their domains, attachment types, and our own features (`F:` tokens, whose
 * weights the classifier learns like any word's). Bounded by `limits`.
 */
export async function tokenizeMessage(raw: Buffer, options: TokenizeOptions = {}): Promise<string[]> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const parts = await mailParts(raw, limits);
  const set = new TokenSet(
    limits.maxTokens,
    options.features ?? true,
    options.htmlTags ?? false,
    options.pairs ? PAIR_WINDOW : 0,
  );
  headerTokens(parts.headers, set.words, set.emit, set.prose);
  attachmentTokens(parts, set);
  bodyTokens(parts, set, limits);
  return [...set.tokens];
}
