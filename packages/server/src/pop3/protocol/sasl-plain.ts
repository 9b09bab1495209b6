/** The three fields of a SASL PLAIN message (RFC 4616 §2). */
export interface PlainCredentials {
  /** Who to act as; empty: the authentication identity itself. */
  authzid: string;
  authcid: string;
  password: string;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes a client's PLAIN response: base64 (RFC 5034 §4; `=` alone is an
 * empty response) of `authzid NUL authcid NUL passwd` in UTF-8. Null for
 * anything malformed: not base64, not exactly three fields, an empty
 * identity or password, or a NUL inside a field (RFC 4616 §2).
 */
export function decodePlain(response: string): PlainCredentials | null {
  const text = response.trim();
  if (text === '=' || !BASE64.test(text)) return null;
  const fields = Buffer.from(text, 'base64').toString('utf8').split('\0');
  if (fields.length !== 3) return null;
  const [authzid = '', authcid = '', password = ''] = fields;
  if (authcid === '' || password === '') return null;
  return { authzid, authcid, password };
}
