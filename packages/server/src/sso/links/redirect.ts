/**
 * Where a sign-in may land: a path of this webmail, never another site.
 * Login links and SSO `redirect` parameters pass through here, since an open
 * redirect on a sign-in URL is a phishing tool (the victim sees our host,
 * then lands on the attacker's page, signed in or asked to "sign in again").
 */

/** Server paths that are not webmail pages (the SPA fallback excludes them too). */
const NOT_WEBMAIL = ['/api', '/auth', '/docs', '/healthz', '/readyz', '/metrics', '/.well-known', '/widget'];
const MAX_LENGTH = 2048;
const BASE = 'https://jdmail.invalid';

export type RedirectCheck = { ok: true; path: string } | { ok: false; reason: string };

/**
 * Checks a requested landing path; empty means `/`. Accepts only an
 * absolute path of this site: no scheme, no `//host`, no backslashes (which
 * browsers read as slashes), no control characters or spaces, nothing that
 * dot-segments or percent-encoding turn into one of those, and none of the
 * server's own non-page paths. Returns the normalized path.
 */
export function checkRedirect(raw: string | undefined | null): RedirectCheck {
  if (raw === undefined || raw === null || raw === '') return { ok: true, path: '/' };
  if (raw.length > MAX_LENGTH) return { ok: false, reason: `must be at most ${MAX_LENGTH} characters` };
  if (!raw.startsWith('/') || raw.startsWith('//')) {
    return { ok: false, reason: 'must be a path of this webmail starting with a single "/", not a URL' };
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\\\u0000-\u0020\u007f]/.test(raw)) {
    return { ok: false, reason: 'must not contain backslashes, spaces or control characters' };
  }
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return { ok: false, reason: 'is not a valid path' };
  }
  const path = url.pathname + url.search + url.hash;
  if (url.origin !== BASE || path.startsWith('//')) {
    return { ok: false, reason: 'must stay on this webmail' };
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname).toLowerCase();
  } catch {
    return { ok: false, reason: 'has invalid percent-encoding' };
  }
  if (decoded.startsWith('//') || decoded.includes('\\'))
    return { ok: false, reason: 'must stay on this webmail' };
  const reserved = NOT_WEBMAIL.find((p) => decoded === p || decoded.startsWith(`${p}/`));
  if (reserved) return { ok: false, reason: `must be a webmail page, not ${reserved}` };
  return { ok: true, path };
}
