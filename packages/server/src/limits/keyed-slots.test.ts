import { describe, expect, it } from 'vitest';
import { KeyedSlots } from './keyed-slots.js';

describe('KeyedSlots', () => {
  it('lets perKey holders of a key in at once and the rest in arrival order, keys apart', async () => {
    const slots = new KeyedSlots(2);
    const order: string[] = [];
    const a1 = await slots.acquire('a');
    const a2 = await slots.acquire('a');
    const b1 = await slots.acquire('b'); // another key is not held up
    const waiting = ['a3', 'a4'].map(async (name) => {
      const release = await slots.acquire('a');
      order.push(name);
      return release;
    });
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([]);
    a1();
    a1(); // a second call does nothing: it must not free a4's turn too
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['a3']);
    a2();
    const [a3, a4] = await Promise.all(waiting);
    expect(order).toEqual(['a3', 'a4']);
    expect(slots.size).toBe(2);
    for (const release of [a3, a4, b1]) release?.();
    expect(slots.size).toBe(0); // nothing is kept for idle keys
  });
});
