/**
 * The Content-Security-Policy of the webmail's pages.
 *
 * - Scripts only from this server; no inline script, no eval.
 * - Styles from this server plus inline styles: a mail's own CSS is shown in
 *   the message frame, whose `srcdoc` document inherits this policy. CSS
 *   cannot run code, and everything it could load is held by the rules below.
 * - Images from this server (attachments, `cid:`), `data:` and `blob:` only:
 *   a remote image in a mail cannot load, even if the sanitizer missed it.
 *   When the user clicks "Show images", that message is loaded anew as
 *   `/m/<id>?images=1`, and that one document gets `img-src` widened to
 *   http(s) — nothing else. The app leaves such a page with a full load, so the
 *   wider policy never outlives the view it was granted for.
 * - No plugins, no forms posting elsewhere, no `<base>`, and no framing of the webmail.
 */
export function webmailCsp(options: { remoteImages: boolean }): string {
  const img = options.remoteImages ? "'self' data: blob: https: http:" : "'self' data: blob:";
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src ${img}`,
    "font-src 'self' data:",
    "connect-src 'self'",
    "media-src 'none'",
    "object-src 'none'",
    "frame-src 'self'",
    "worker-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers of every webmail page besides the CSP. */
export const PAGE_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};
