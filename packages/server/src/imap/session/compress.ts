import { statusLine } from '../protocol/index.js';
import type { CommandOf } from './registry.js';
import type { ImapSession } from './session.js';
import { bad, type Completion, no } from './types.js';

/**
 * COMPRESS DEFLATE (RFC 4978), after authentication: the tagged OK goes out
 * uncompressed, then both directions are raw DEFLATE. Input the client sent
 * before our OK cannot be valid (§3: it waits for the OK) and is dropped.
 * About 300 KB of zlib state per session: offered, never pushed.
 */
export async function compressCommand(
  session: ImapSession,
  input: { tag: string; command: CommandOf<'COMPRESS'> },
): Promise<Completion | null> {
  if (input.command.algorithm.toUpperCase() !== 'DEFLATE')
    return bad(`Unknown compression algorithm ${input.command.algorithm.slice(0, 40)}; use DEFLATE`);
  if (session.conn.compressed) return no('Compression is already active', { name: 'COMPRESSIONACTIVE' });
  session.send(statusLine(input.tag, 'OK', 'DEFLATE active'));
  await session.conn.flush();
  session.reader.dropBuffered();
  session.conn.startCompression();
  return null;
}
