import sanitizeHtml from 'sanitize-html';

/**
 * The formatted signature as it may be stored: simple formatting, links and
 * nothing active. The webmail sanitizes again when it shows or sends it; this
 * is the server's own line, so that a signature written through the API
 * never carries script into anyone's message.
 */
const SIGNATURE_POLICY: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'div',
    'br',
    'span',
    'b',
    'strong',
    'i',
    'em',
    'u',
    's',
    'a',
    'ul',
    'ol',
    'li',
    'blockquote',
  ],
  allowedAttributes: { a: ['href', 'title', 'rel'] },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  disallowedTagsMode: 'discard',
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer' }) },
};

/** The HTML of a signature with everything but simple formatting and safe links removed. */
export function sanitizeSignatureHtml(html: string): string {
  return sanitizeHtml(html, SIGNATURE_POLICY).trim();
}
