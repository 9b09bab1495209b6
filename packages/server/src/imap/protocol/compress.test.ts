import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { DeflateChannel } from './compress.js';

/** A loopback TCP pair: the server side gets the channel, the client side speaks raw deflate by hand. */
async function pair(): Promise<{ server: net.Socket; client: net.Socket; close: () => void }> {
  const listener = net.createServer();
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const client = net.connect((listener.address() as AddressInfo).port, '127.0.0.1');
  const [server] = (await once(listener, 'connection')) as [net.Socket];
  return {
    server,
    client,
    close: () => {
      client.destroy();
      server.destroy();
      listener.close();
    },
  };
}

describe('DeflateChannel (COMPRESS=DEFLATE, RFC 4978)', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });

  it('inflates commands and flushes each response so the client can decode it at once', async () => {
    const { server, client, close } = await pair();
    cleanups.push(close);
    const channel = new DeflateChannel(server);
    cleanups.push(() => channel.destroy());
    const received: Buffer[] = [];
    channel.on('data', (chunk) => received.push(chunk));

    const clientDeflate = zlib.createDeflateRaw();
    clientDeflate.pipe(client);
    clientDeflate.write('a NOOP\r\n');
    clientDeflate.flush(zlib.constants.Z_SYNC_FLUSH);
    while (Buffer.concat(received).toString() !== 'a NOOP\r\n') await once(channel, 'data');

    const clientInflate = zlib.createInflateRaw();
    client.pipe(clientInflate);
    const responses: Buffer[] = [];
    clientInflate.on('data', (chunk: Buffer) => responses.push(chunk));
    channel.write(Buffer.from('* 3 EXISTS\r\n'));
    channel.write(Buffer.from('a OK NOOP completed\r\n'));
    // No more data follows: only the flush at the end of the tick can make these decodable.
    while (Buffer.concat(responses).toString() !== '* 3 EXISTS\r\na OK NOOP completed\r\n')
      await once(clientInflate, 'data');
  });

  it('reports a corrupt compressed stream from the client as an error', async () => {
    const { server, client, close } = await pair();
    cleanups.push(close);
    const channel = new DeflateChannel(server);
    cleanups.push(() => channel.destroy());
    client.write(Buffer.from([0xff, 0xff, 0xff, 0xff]));
    const [error] = (await once(channel, 'error')) as [Error];
    expect(error.message).toMatch(/invalid/i);
  });
});
