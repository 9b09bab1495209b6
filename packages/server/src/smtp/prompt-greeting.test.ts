import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import pino from 'pino';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createConnectionLimiter, parseAddressList } from '../limits/index.js';
import { PromptSMTPServer } from './prompt-greeting.js';
import type { ListenerLimits } from './session-limits.js';

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

  const limits = (over: Partial<ListenerLimits> = {}): ListenerLimits => ({
    connections: createConnectionLimiter({ maxPerClient: 2 }),
    commandTimeoutMs: 400,
    minDataRate: 1000,
    maxSessionMs: 0,
    trustedProxies: parseAddressList(''),
    log: pino({ level: 'silent' }),
    ...over,
  });

  async function listening(server: PromptSMTPServer): Promise<number> {
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return (server.server.address() as AddressInfo).port;
  }

  /** A client from `localAddress`: resolves with everything the server sent once it closed the connection. */
  function session(port: number, localAddress = '127.0.0.1', onGreeting?: (s: net.Socket) => void) {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    let text = '';
    socket.on('data', (d) => {
      if (!text && onGreeting) onGreeting(socket);
      text += d.toString();
    });
    socket.on('error', () => {});
    const closed = new Promise<string>((r) => socket.on('close', () => r(text)));
    return { socket, closed, text: () => text };
  }

  it('refuses a client over its connection count with 421 4.7.0, and only that client', async () => {
    const port = await listening(new PromptSMTPServer({ ...options, name: 'lim.test' }, limits()));
    const held = [session(port), session(port)];
    await Promise.all(held.map((h) => new Promise((r) => h.socket.once('data', r))));
    const third = session(port);
    expect(await third.closed).toMatch(/^421 4\.7\.0 lim\.test Too many connections from your address/);
    const other = session(port, '127.0.0.2');
    await new Promise((r) => other.socket.once('data', r));
    expect(other.text()).toMatch(/^220 /);
    // A closed connection frees its place.
    held[0]?.socket.destroy();
    await held[0]?.closed;
    for (let i = 0; i < 50; i++) {
      const again = session(port);
      const line = await new Promise<string>((r) => again.socket.once('data', (d) => r(String(d))));
      again.socket.destroy();
      if (line.startsWith('220')) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('the place of the closed connection was never freed');
  });

  it('cuts off a client that trickles a command line with 421 4.4.2, not one that sends whole lines', async () => {
    const port = await listening(new PromptSMTPServer({ ...options, name: 'slow.test' }, limits()));
    const slow = session(port, '127.0.0.1', (s) => {
      const bytes = [...'NOOP\r\n'];
      const drip = setInterval(
        () => (bytes.length ? s.write(bytes.shift() as string) : clearInterval(drip)),
        150,
      );
      s.on('close', () => clearInterval(drip));
    });
    const fast = session(port, '127.0.0.2', (s) => {
      const beat = setInterval(() => s.write('NOOP\r\n'), 150);
      s.on('close', () => clearInterval(beat));
    });
    expect(await slow.closed).toMatch(/\r\n421 4\.4\.2 slow\.test Error: data arrived too slowly/);
    expect(fast.text()).not.toMatch(/421/);
    expect(fast.text()).toMatch(/250/);
    fast.socket.destroy();
  });

  it('ends a session older than maxSessionMs at its next command boundary', async () => {
    const port = await listening(
      new PromptSMTPServer(
        { ...options, name: 'old.test' },
        limits({ maxSessionMs: 600, commandTimeoutMs: 1000 }),
      ),
    );
    const busy = session(port, '127.0.0.1', (s) => {
      const beat = setInterval(() => s.write('NOOP\r\n'), 100);
      s.on('close', () => clearInterval(beat));
    });
    const started = Date.now();
    expect(await busy.closed).toMatch(/421 4\.4\.2 old\.test Session time limit reached/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
  });

  it('reads a PROXY header from a trusted network only, and counts the client it names', async () => {
    const server = new PromptSMTPServer(
      {
        ...options,
        name: 'proxy.test',
        onConnect: (s, cb) =>
          cb(s.remoteAddress === '192.0.2.9' ? null : new Error(`from ${s.remoteAddress}`)),
      },
      limits({
        trustedProxies: parseAddressList('127.0.0.0/30'),
        connections: createConnectionLimiter({ maxPerClient: 1 }),
      }),
    );
    const port = await listening(server);
    const viaProxy = () => session(port, '127.0.0.2', undefined);
    const first = viaProxy();
    first.socket.write('PROXY TCP4 192.0.2.9 127.0.0.1 40000 25\r\n');
    await new Promise((r) => first.socket.once('data', r));
    expect(first.text()).toMatch(/^220 proxy\.test/);
    // The same client again, through the proxy: over its count, though the proxy's own address is not.
    const second = viaProxy();
    second.socket.write('PROXY TCP4 192.0.2.9 127.0.0.1 40001 25\r\n');
    expect(await second.closed).toMatch(/^421 4\.7\.0/);
    // Outside the trusted network no header is awaited: the session is the socket's own address at once.
    const direct = session(port, '127.0.0.5');
    expect(await direct.closed).toMatch(/^554 from 127\.0\.0\.5/);
    first.socket.destroy();
  });
});
