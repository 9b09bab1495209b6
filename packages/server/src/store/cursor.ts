import { AppError } from '../shared/index.js';

/** Where a message list page ended: the last UID shown, in the mailbox it was shown from. */
export interface ListPosition {
  mailboxId: string;
  uid: number;
}

/**
 * Encodes a page position as an opaque token. Clients must treat it as
 * opaque; it is base64url JSON so it can grow fields without breaking old tokens.
 */
export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify({ m: position.mailboxId, u: position.uid })).toString('base64url');
}

/**
 * Decodes a token from {@link encodeCursor}. Anything malformed, or a cursor
 * from another mailbox, is INVALID_CURSOR: it would otherwise silently skip or repeat messages.
 */
export function decodeCursor(token: string, mailboxId: string): number {
  const invalid = () => new AppError('INVALID_CURSOR');
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(token)) throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const { m, u } = (value ?? {}) as { m?: unknown; u?: unknown };
  if (m !== mailboxId || typeof u !== 'number' || !Number.isSafeInteger(u) || u < 1) throw invalid();
  return u;
}
