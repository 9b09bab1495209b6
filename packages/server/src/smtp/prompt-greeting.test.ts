import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PromptSMTPServer } from './prompt-greeting.js';

const options: SMTPServerOptions = {
  logger: false,
  disableReverseLookup: true,
  authOptional: true,
  hideSTARTTLS: true,
};

/** Connects and resolves with the first line the server sends, or 'none' once `giveUp` resolves. */
async function firstLine(server: SMTPServer, giveUp: Promise<unknown>): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  try {
    return await new Promise<string>((resolve) => {
      giveUp.then(() => resolve('none'));
      socket.once('data', (d) => resolve(d.toString().trim()));
    });
  } finally {
    socket.destroy();
  }
}

describe('PromptSMTPServer', () => {
  const servers: SMTPServer[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(() => r(undefined)))));
  });

  // With setTimeout faked, smtp-server's fixed 100 ms pre-greeting timer can
  // never fire, so a greeting that still arrives cannot have waited for it.
  // The stock server is the control: under the same fake clock it stays silent.
  it('greets without waiting on a timer; the stock server does not', async () => {
    const realSetTimeout = globalThis.setTimeout;
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const wait = (ms: number) => new Promise((r) => realSetTimeout(r, ms));
    const prompt = new PromptSMTPServer({ ...options, name: 'prompt.test' });
    const stock = new SMTPServer({ ...options, name: 'stock.test' });
    servers.push(prompt, stock);
    expect(await firstLine(prompt, wait(1000))).toMatch(/^220 prompt\.test /);
    expect(await firstLine(stock, wait(1000))).toBe('none');
  });

  it('still refuses clients over maxClients with 421', async () => {
    const server = new PromptSMTPServer({ ...options, name: 'full.test', maxClients: 1 });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.server.address() as AddressInfo).port;
    const first = net.connect(port, '127.0.0.1');
    await once(first, 'data');
    const second = net.connect(port, '127.0.0.1');
    const [reply] = await once(second, 'data');
    expect(String(reply)).toMatch(/^421 /);
    first.destroy();
    second.destroy();
  });
});
