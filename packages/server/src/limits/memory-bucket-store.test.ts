import { describe, expect, it } from 'vitest';
import { type Bucket, type BucketRule, waitAfter } from './bucket-store.js';
import { createMemoryBucketStore } from './memory-bucket-store.js';

const RULE: BucketRule = { name: 'test', free: 3, leakMs: 10_000, baseMs: 1000, maxMs: 8000 };
const OTHER: BucketRule = { ...RULE, name: 'other' };
const b = (key: string, rule = RULE): Bucket => ({ rule, key });

function setup(maxKeys?: number) {
  const clock = { t: 5_000_000 };
  return { clock, store: createMemoryBucketStore({ now: () => clock.t, maxKeys }) };
}

describe('waitAfter', () => {
  it.each([
    [0, 0],
    [3, 0],
    [3.5, 1000],
    [4, 1000],
    [5, 2000],
    [6, 4000],
    [7, 8000],
    [50, 8000],
  ])('a bucket at %d makes the next attempt wait %d ms', (level, ms) => {
    expect(waitAfter(RULE, level)).toBe(ms);
  });
});

describe('memory bucket store', () => {
  it('takes free attempts, then refuses without counting until the wait is over', async () => {
    const { store, clock } = setup();
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await store.take([b('k')]));
    expect(answers).toEqual([0, 0, 0, 0, 1000, 1000]);
    expect(await store.levels([b('k')])).toEqual([4]);
    clock.t += 1000;
    expect(await store.take([b('k')])).toBe(0);
    expect(await store.take([b('k')])).toBe(2000);
  });

  it('is atomic under a parallel burst: exactly the free attempts and one more', async () => {
    const { store } = setup();
    const answers = await Promise.all(Array.from({ length: 100 }, () => store.take([b('k'), b('ip')])));
    expect(answers.filter((w) => w === 0)).toHaveLength(RULE.free + 1);
  });

  it('refuses when any bucket of a take makes the caller wait, and then charges none of them', async () => {
    const { store } = setup();
    for (let i = 0; i <= RULE.free; i++) await store.take([b('busy')]);
    expect(await store.take([b('fresh'), b('busy')])).toBe(1000);
    expect(await store.levels([b('fresh'), b('busy')])).toEqual([0, RULE.free + 1]);
  });

  it('drains at the leak rate', async () => {
    const { store, clock } = setup();
    for (let i = 0; i < 3; i++) await store.take([b('k')]);
    clock.t += 15_000;
    expect(await store.levels([b('k')])).toEqual([1.5]);
    clock.t += 60_000;
    expect(await store.levels([b('k')])).toEqual([0]);
  });

  it('lets a refund shorten a wait but never lengthen one', async () => {
    const { store, clock } = setup();
    for (let i = 0; i < 4; i++) await store.take([b('k')]);
    clock.t += 1000;
    await store.take([b('k')]); // level 4.9: waits 2 s
    clock.t += 2000;
    await store.take([b('k')]); // level 5.7: waits 4 s
    await store.refund([b('k')]); // level 4.7: 2 s from now
    expect(await store.take([b('k')])).toBe(2000);
    clock.t += 1500;
    await store.refund([b('k')]); // level 3.55 would wait 2 s from now, longer than the 0.5 s left
    expect(await store.take([b('k')])).toBe(500);
    await store.refund([b('never-taken')]);
    expect(await store.levels([b('never-taken')])).toEqual([0]);
  });

  it('clears a bucket and its wait', async () => {
    const { store } = setup();
    for (let i = 0; i < 6; i++) await store.take([b('k')]);
    await store.clear([b('k')]);
    expect(await store.take([b('k')])).toBe(0);
  });

  it('keeps kinds apart: the same key in two kinds is two buckets', async () => {
    const { store } = setup();
    for (let i = 0; i < 6; i++) await store.take([b('k')]);
    expect(await store.take([b('k', OTHER)])).toBe(0);
  });

  it('bounds each kind on its own: a flood of one kind pushes out none of another', async () => {
    const { store } = setup(10);
    for (let i = 0; i < 3; i++) await store.take([b('kept', OTHER)]);
    for (let i = 0; i < 1000; i++) await store.take([b(`flood${i}`)]);
    expect(await store.levels([b('kept', OTHER), b('flood0'), b('flood999')])).toEqual([3, 0, 1]);
  });

  it('remembers marks for their time, a few per key', async () => {
    const { store, clock } = setup();
    expect(await store.remember('k', 'a', 60_000)).toBe(false);
    expect(await store.remember('k', 'a', 60_000)).toBe(true);
    expect(await store.remember('other', 'a', 60_000)).toBe(false);
    clock.t += 60_001;
    expect(await store.remember('k', 'a', 60_000)).toBe(false);
    for (let i = 0; i < 8; i++) await store.remember('k', `m${i}`, 60_000);
    expect(await store.remember('k', 'm7', 60_000)).toBe(true);
    expect(await store.remember('k', 'a', 60_000)).toBe(false);
  });
});
