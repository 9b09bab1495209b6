import { describe, expect, it } from 'vitest';
import { createReverseLookup } from './reverse-dns.js';

describe('createReverseLookup', () => {
  it('gives up after the timeout when the resolver hangs', async () => {
    const lookup = createReverseLookup(50, () => new Promise(() => {}));
    const t0 = Date.now();
    expect(await lookup('192.0.2.1')).toBe('');
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('returns the first name, and nothing for names that are not hostnames or for errors', async () => {
    expect(await createReverseLookup(1000, async () => ['mx.example.net', 'b.test'])('192.0.2.1')).toBe(
      'mx.example.net',
    );
    expect(await createReverseLookup(1000, async () => ['evil\r\nX-Injected: yes'])('192.0.2.1')).toBe('');
    expect(await createReverseLookup(1000, () => Promise.reject(new Error('ENOTFOUND')))('192.0.2.1')).toBe(
      '',
    );
    expect(await createReverseLookup(0, async () => ['never.called'])('192.0.2.1')).toBe('');
  });
});
