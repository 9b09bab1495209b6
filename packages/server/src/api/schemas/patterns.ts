/**
 * The regular expressions the API's schemas check strings with, each with
 * what it means in words. A validation error names the meaning, never the
 * expression: "must be an e-mail address", not `must match pattern "^[^@\s]+@…"`.
 */
export const PATTERNS = {
  address: { pattern: '^[^@\\s]+@[^@\\s]+$', meaning: 'must be an e-mail address (name@example.com)' },
  domain: { pattern: '^[^@\\s/]+$', meaning: 'must be a domain name (example.com)' },
  messageId: {
    pattern: '^<[^<>@\\s]+@[^<>@\\s]+>$',
    meaning: 'must be a Message-ID in angle brackets (<id@host>)',
  },
  filename: {
    pattern: '^[^\\x00-\\x1f\\x7f/\\\\]+$',
    meaning: 'must be a file name without control characters, / or \\',
  },
  mimeType: {
    pattern: '^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$',
    meaning: 'must be a MIME type (type/subtype, e.g. application/pdf)',
  },
  base64: {
    pattern: '^[A-Za-z0-9+/]*={0,2}$',
    meaning: 'must be base64 (A–Z, a–z, 0–9, + and /, = padding)',
  },
  contentId: { pattern: '^[^<>\\s"]+$', meaning: 'must be a Content-ID without <, >, quotes or spaces' },
  partNumber: {
    pattern: '^[1-9][0-9]{0,4}(\\.[1-9][0-9]{0,4}){0,15}$',
    meaning: 'must be an attachment id as the message lists them (a MIME part number such as 2 or 1.3)',
  },
  visibleAscii: { pattern: '^[\\x21-\\x7e]+$', meaning: 'must be visible ASCII characters, without spaces' },
  // Filter rules (filter/rules/schema.ts writes these patterns itself: filter/ does not import the API).
  headerName: {
    pattern: '^[!-9;-~]+$',
    meaning: 'must be a header field name (visible ASCII characters without a colon)',
  },
  headerNameOrAny: {
    pattern: '^([!-9;-~]+|\\*)$',
    meaning: 'must be a header field name (visible ASCII characters without a colon), or * for any header',
  },
  domainOrSubdomain: {
    pattern: '^[^@\\s]+$',
    meaning: 'must be a domain name without @ or spaces (example.com)',
  },
  printableAscii: { pattern: '^[ -~]*$', meaning: 'must be printable ASCII characters' },
  oneLine: { pattern: '^[^\\r\\n]*$', meaning: 'must be one line (no line breaks)' },
  // The event log (GET /events).
  eventPosition: {
    pattern: '^[0-9]{1,20}$',
    meaning: 'must be an event position: decimal digits (a nextCursor, or an event’s sequence)',
  },
  eventTypes: {
    pattern: '^[a-z]+(\\.([a-z]+|\\*))?(,[a-z]+(\\.([a-z]+|\\*))?)*$',
    meaning: 'must be event types separated by commas (message.new,user.*)',
  },
} as const;

const BY_PATTERN = new Map<string, string>(Object.values(PATTERNS).map((p) => [p.pattern, p.meaning]));

/** What a schema's `pattern` means, for an error message; a pattern without a meaning gets a plain phrase. */
export function patternMeaning(pattern: unknown): string {
  return (typeof pattern === 'string' && BY_PATTERN.get(pattern)) || 'is not in the expected form';
}

const FORMATS: Record<string, string> = {
  'date-time': 'must be a date and time (ISO 8601, e.g. 2026-12-06T10:00:00Z)',
  uri: 'must be a URL',
  'uri-reference': 'must be a URL or a path',
  email: 'must be an e-mail address (name@example.com)',
};

/** What a schema's `format` means, for an error message. */
export function formatMeaning(format: unknown): string {
  return (typeof format === 'string' && FORMATS[format]) || `must be a valid ${String(format)}`;
}
