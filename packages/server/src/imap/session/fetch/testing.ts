import { Readable } from 'node:stream';
import type { BlobStore, ByteRange } from '../../../store/index.js';
import { MessageCache } from './message-cache.js';
import { type MessageBlob, MessageSource } from './message-source.js';

/**
 * A blob store over buffers for unit tests of FETCH and SEARCH, counting
 * the bytes it hands out (so a test can prove a part was read without the
 * rest of its message). Writing is not supported.
 */
export function memoryBlobs(bodies: Map<string, Buffer>): BlobStore & { bytesRead: number } {
  const store = {
    bytesRead: 0,
    createWriter(): never {
      throw new Error('memoryBlobs: read only');
    },
    read(blobId: string, range?: ByteRange): Readable {
      const body = bodies.get(blobId);
      if (!body) {
        const missing = new Readable({ read() {} });
        process.nextTick(() => missing.destroy(new Error(`no body ${blobId}`)));
        return missing;
      }
      const bytes = range ? body.subarray(range.start, Math.max(range.start, range.end)) : body;
      // Chunks of 1,000 bytes, as a file stream gives them, counted as they are taken.
      return Readable.from(
        (function* () {
          for (let i = 0; i < bytes.length; i += 1000) {
            const chunk = bytes.subarray(i, i + 1000);
            store.bytesRead += chunk.length;
            yield chunk;
          }
        })(),
      );
    },
    async readBuffer(blobId: string): Promise<Buffer> {
      const body = bodies.get(blobId);
      if (!body) throw new Error(`no body ${blobId}`);
      return body;
    },
    async remove(): Promise<void> {},
  };
  return store;
}

/** A MessageSource over one message held in memory, and the message's handle. */
export function sourceOf(raw: Buffer, cacheBytes = 1 << 20) {
  const blobs = memoryBlobs(new Map([['m', raw]]));
  const source = new MessageSource(blobs, new MessageCache(cacheBytes));
  const message: MessageBlob = { blobId: 'm', size: raw.length };
  return { blobs, source, message };
}
