import type { Readable } from 'node:stream';
import { StructureParser } from '../../../mail/index.js';
import type { BlobStore } from '../../../store/index.js';
import type { MessageCache, ParsedMessage } from './message-cache.js';

/** What FETCH, SEARCH and SORT need of a stored message's bytes. */
export interface MessageBlob {
  readonly blobId: string;
  /** RFC822.SIZE: the stored bytes. */
  readonly size: number;
}

/**
 * Reads stored messages for FETCH and SEARCH: their parsed header and
 * structure through the shared {@link MessageCache} (one parse per body,
 * concurrent requests for the same body share it), and byte ranges of
 * their bodies as streams. Cheap to make: one per command.
 */
export class MessageSource {
  constructor(
    private readonly blobs: BlobStore,
    readonly cache: MessageCache,
  ) {}

  /** The header section and the root's fields (reads only as far as the empty line). */
  header(message: MessageBlob): Promise<ParsedMessage> {
    return this.parsed(message, false);
  }

  /** The whole MIME structure (reads the whole body once, chunk by chunk). */
  structure(message: MessageBlob): Promise<ParsedMessage> {
    return this.parsed(message, true);
  }

  /** Bytes `start` to `end` (exclusive) of the body. */
  range(message: MessageBlob, start: number, end: number): Readable {
    return this.blobs.read(message.blobId, { start, end });
  }

  private parsed(message: MessageBlob, full: boolean): Promise<ParsedMessage> {
    const cached = this.cache.get(message.blobId);
    if (cached && (cached.full || !full)) return Promise.resolve(cached);
    const key = `${full ? 'f' : 'h'}:${message.blobId}`;
    const loading = this.cache.loading;
    let pending = loading.get(key);
    if (!pending) {
      pending = this.parse(message, full).finally(() => loading.delete(key));
      loading.set(key, pending);
    }
    return pending;
  }

  private async parse(message: MessageBlob, full: boolean): Promise<ParsedMessage> {
    const parser = new StructureParser();
    const head: Buffer[] = [];
    let headBytes = 0;
    let complete = true;
    const stream = this.blobs.read(message.blobId);
    try {
      for await (const chunk of stream) {
        const bytes = chunk as Buffer;
        if (!parser.headerDone) {
          head.push(bytes);
          headBytes += bytes.length;
        }
        parser.write(bytes);
        if (!full && parser.headerDone) {
          complete = false;
          break;
        }
      }
    } finally {
      stream.destroy();
    }
    const root = parser.end();
    const parsed: ParsedMessage = {
      // A copy: the chunks read may be far larger than the header and must not stay pinned.
      header: Buffer.from(Buffer.concat(head, headBytes).subarray(0, root.headerSize)),
      root,
      full: complete,
      binarySizes: new Map(),
    };
    this.cache.set(message.blobId, parsed);
    return parsed;
  }
}
