import { entities, type MimeEntity } from '../../../mail/index.js';

/** What FETCH learned of one stored body (bodies are immutable, so it stays true). */
export interface ParsedMessage {
  /** The top-level header section, byte for byte (at most 512 KiB: ingest refuses larger ones). */
  readonly header: Buffer;
  /**
   * The MIME structure. Until `full` it is the root alone, read from the
   * header section: its fields and header size are right, its body sizes not.
   */
  readonly root: MimeEntity;
  readonly full: boolean;
  /** Decoded sizes of parts (BINARY.SIZE), by part number (`1.2`), filled as they are computed. */
  readonly binarySizes: Map<string, number>;
}

/** Bytes an entity costs beyond its fields' text (offsets, object headers, arrays). */
const ENTITY_OVERHEAD = 320;

/** About the memory a parsed message holds. */
export function footprint(message: ParsedMessage): number {
  let bytes = message.header.length + 200;
  for (const e of message.full ? entities(message.root) : [message.root]) {
    bytes += ENTITY_OVERHEAD;
    for (const value of Object.values(e.fields)) bytes += 2 * (value?.length ?? 0);
    for (const [name, value] of e.contentType?.params ?? []) bytes += 2 * (name.length + value.length);
  }
  return bytes;
}

/**
 * Parsed messages by blob id, least recently used dropped first, bounded by
 * their estimated memory: one per listener, shared by every session (a
 * client that fetches ENVELOPE, then BODYSTRUCTURE, then BODY[1] parses each
 * message once). A message bigger than a quarter of the bound is not kept.
 */
export class MessageCache {
  private readonly entries = new Map<string, { message: ParsedMessage; bytes: number }>();
  private used = 0;
  /** Parses under way, by kind and blob id: concurrent sessions wait for the same one. */
  readonly loading = new Map<string, Promise<ParsedMessage>>();

  constructor(readonly maxBytes: number) {}

  /** Bytes held now. */
  get size(): number {
    return this.used;
  }

  get(blobId: string): ParsedMessage | undefined {
    const entry = this.entries.get(blobId);
    if (!entry) return undefined;
    this.entries.delete(blobId);
    this.entries.set(blobId, entry);
    return entry.message;
  }

  set(blobId: string, message: ParsedMessage): void {
    this.delete(blobId);
    const bytes = footprint(message);
    if (bytes > this.maxBytes / 4) return;
    this.entries.set(blobId, { message, bytes });
    this.used += bytes;
    for (const [key, entry] of this.entries) {
      if (this.used <= this.maxBytes) break;
      this.entries.delete(key);
      this.used -= entry.bytes;
    }
  }

  private delete(blobId: string): void {
    const entry = this.entries.get(blobId);
    if (!entry) return;
    this.entries.delete(blobId);
    this.used -= entry.bytes;
  }
}
