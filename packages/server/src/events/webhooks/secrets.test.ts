import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { isSecret, newSecret, signDelivery } from './secrets.js';

describe('Standard Webhooks signatures', () => {
  it('are byte for byte what the standardwebhooks package signs, one per secret', () => {
    const at = new Date(1_765_000_000_123);
    for (let i = 0; i < 50; i++) {
      const [a, b] = [newSecret(), newSecret()];
      const body = JSON.stringify({ n: i, text: '你好, "quoted" \\ and emoji 🎉'.repeat(i % 5) });
      const id = `0193${i}-id`;
      const headers = signDelivery(id, at, body, [a, b]);
      expect(headers['webhook-timestamp']).toBe('1765000000');
      expect(headers['webhook-signature']).toBe(
        `${new Webhook(a).sign(id, at, body)} ${new Webhook(b).sign(id, at, body)}`,
      );
    }
  });

  it('makes secrets of 32 random bytes in whsec_ form, and tells them apart from others', () => {
    const s = newSecret();
    expect(isSecret(s)).toBe(true);
    expect(Buffer.from(s.slice(6), 'base64')).toHaveLength(32);
    expect(newSecret()).not.toBe(s);
    expect(isSecret('whsec_short')).toBe(false);
    expect(isSecret(s.slice(6))).toBe(false);
  });
});
