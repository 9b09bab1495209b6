import { describe, expect, it } from 'vitest';
import { createReverseLookup } from './reverse-dns.js';

describe('createReverseLookup', () => {
  it('gives up after the timeout when the resolver hangs', async () => {
    const lookup = createReverseLookup(50, { reverse: () => new Promise(() => {}) });
    const t0 = Date.now();
    expect(await lookup('192.0.2.1')).toBe('');
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('returns the first name, and nothing for names that are not hostnames or for errors', async () => {
    expect(
      await createReverseLookup(1000, { reverse: async () => ['mx.example.net', 'b.test'] })('192.0.2.1'),
    ).toBe('mx.example.net');
    expect(
      await createReverseLookup(1000, { reverse: async () => ['evil\r\nX-Injected: yes'] })('192.0.2.1'),
    ).toBe('');
    expect(
      await createReverseLookup(1000, { reverse: () => Promise.reject(new Error('ENOTFOUND')) })('192.0.2.1'),
    ).toBe('');
    expect(await createReverseLookup(0, { reverse: async () => ['never.called'] })('192.0.2.1')).toBe('');
  });

  it('shares one lookup per address while it runs and reuses the answer until it expires', async () => {
    let clock = 0;
    const asked: string[] = [];
    const answers: Record<string, string[]> = { '192.0.2.1': ['mx.example.net'], '192.0.2.2': [] };
    const lookup = createReverseLookup(1000, {
      reverse: async (ip) => {
        asked.push(ip);
        return answers[ip] ?? [];
      },
      now: () => clock,
    });
    const together = await Promise.all([lookup('192.0.2.1'), lookup('192.0.2.1'), lookup('192.0.2.2')]);
    expect(together).toEqual(['mx.example.net', 'mx.example.net', '']);
    expect(asked).toEqual(['192.0.2.1', '192.0.2.2']);
    // Still fresh: no new query. A found name lives 5 minutes, a missing one 1 minute.
    clock = 59_000;
    await Promise.all([lookup('192.0.2.1'), lookup('192.0.2.2')]);
    expect(asked).toHaveLength(2);
    clock = 61_000;
    answers['192.0.2.2'] = ['late.example.net'];
    expect(await lookup('192.0.2.2')).toBe('late.example.net');
    expect(await lookup('192.0.2.1')).toBe('mx.example.net');
    expect(asked).toEqual(['192.0.2.1', '192.0.2.2', '192.0.2.2']);
    clock = 5 * 60_000 + 1;
    await lookup('192.0.2.1');
    expect(asked.filter((ip) => ip === '192.0.2.1')).toHaveLength(2);
  });

  it('forgets the oldest address when full', async () => {
    const asked: string[] = [];
    const lookup = createReverseLookup(1000, {
      reverse: async (ip) => {
        asked.push(ip);
        return ['host.example.net'];
      },
      maxEntries: 2,
    });
    for (const ip of ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.1']) await lookup(ip);
    expect(asked).toEqual(['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.1']);
  });
});
