import { AppError } from '../shared/index.js';

/**
 * Where a delta sync stands in one folder: the folder's UIDVALIDITY when it
 * was first seen, and the last change-journal row read, as the journal's own
 * key (modseq, uid). `uid` null means "every row of that modseq" (the common
 * case: the folder's HIGHESTMODSEQ when the sync last caught up).
 */
export interface FolderPosition {
  uidValidity: number;
  modseq: number;
  uid: number | null;
  /**
   * Set while the folder's present messages are still being listed (a first
   * sync, or a folder created since): the last UID listed (0 before the
   * first). The journal is read from `modseq` once the listing is done.
   */
  listedUpTo?: number;
}

/** A sync token's content: one position per folder (mailbox id), all folders of the user. */
export type SyncState = Map<string, FolderPosition>;

const VERSION = 1;
/** Tokens above this are refused before parsing (a user with thousands of folders stays far below). */
export const MAX_TOKEN_LENGTH = 65_536;

type Packed = [id: string, uidValidity: number, modseq: number, uid: number | null, listed?: number];

/**
 * Encodes a sync state as an opaque token: base64url of a small JSON (a
 * version and one tuple per folder). Clients treat it as opaque; it is not
 * signed, because everything in it names the caller's own folders, which the
 * store checks against the user on every use.
 */
export function encodeSyncToken(state: SyncState): string {
  const folders: Packed[] = [...state].map(([id, p]) =>
    p.listedUpTo === undefined
      ? [id, p.uidValidity, p.modseq, p.uid]
      : [id, p.uidValidity, p.modseq, p.uid, p.listedUpTo],
  );
  return Buffer.from(JSON.stringify({ v: VERSION, f: folders })).toString('base64url');
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/** Decodes a token from {@link encodeSyncToken}; anything malformed is INVALID_CURSOR (400). */
export function decodeSyncToken(token: string): SyncState {
  const invalid = () => new AppError('INVALID_CURSOR', 'malformed sync token');
  if (token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const { v, f } = (value ?? {}) as { v?: unknown; f?: unknown };
  if (v !== VERSION || !Array.isArray(f)) throw invalid();
  const state: SyncState = new Map();
  for (const entry of f as unknown[]) {
    if (!Array.isArray(entry) || entry.length < 4 || entry.length > 5) throw invalid();
    const [id, uidValidity, modseq, uid, listed] = entry as unknown[];
    if (typeof id !== 'string' || id.length === 0 || id.length > 64) throw invalid();
    if (!isCount(uidValidity) || !isCount(modseq) || !(uid === null || isCount(uid))) throw invalid();
    if (listed !== undefined && !isCount(listed)) throw invalid();
    state.set(id, { uidValidity, modseq, uid, ...(listed === undefined ? {} : { listedUpTo: listed }) });
  }
  return state;
}
