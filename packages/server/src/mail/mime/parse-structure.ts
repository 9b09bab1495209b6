import type { Readable } from 'node:stream';
import type { MimeEntity } from './entity.js';
import { StructureParser } from './structure-parser.js';

/** The structure of a message held in memory. */
export function structureOf(message: Buffer): MimeEntity {
  const parser = new StructureParser();
  parser.write(message);
  return parser.end();
}

/**
 * The structure of a message read from `stream` chunk by chunk (a 100 MB
 * message is never held whole). With `headerOnly`, reading stops once the
 * top-level header section has been seen and the stream is destroyed: the
 * result then has the root's fields and header size only (its body sizes
 * are those of what was read).
 */
export async function parseStructure(
  stream: Readable,
  options: { headerOnly?: boolean } = {},
): Promise<MimeEntity> {
  const parser = new StructureParser();
  try {
    for await (const chunk of stream) {
      parser.write(chunk as Buffer);
      if (options.headerOnly && parser.headerDone) break;
    }
  } finally {
    stream.destroy();
  }
  return parser.end();
}
