import { describe, expect, it } from 'vitest';
import type { GroupPolicies } from './group-policies.js';
import { createCachedGroupPolicies } from './policy-cache.js';
import { type GroupPolicy, OPEN_POLICY } from './policy-schema.js';

function counting() {
  const calls: string[] = [];
  let policy: GroupPolicy = { ...OPEN_POLICY, send: 'inside' };
  const inner: GroupPolicies = {
    get: async () => policy,
    replace: async (_id, p) => {
      policy = p;
      return p;
    },
    groupsOf: async () => [],
    policiesOf: async (address) => {
      calls.push(address);
      return [{ groupId: 'g', groupName: 'G', policy }];
    },
  };
  return { inner, calls };
}

describe('createCachedGroupPolicies', () => {
  it('reads an address once per ttl, case-insensitively', async () => {
    const { inner, calls } = counting();
    let t = 0;
    const cache = createCachedGroupPolicies(inner, { ttlMs: 1000, now: () => t });
    await cache.policiesOf('A@example.com');
    await cache.policiesOf('a@example.com');
    expect(calls).toEqual(['a@example.com']);
    t = 1500;
    await cache.policiesOf('a@example.com');
    expect(calls).toHaveLength(2);
  });

  it('forgets everything when a policy is replaced through it', async () => {
    const { inner, calls } = counting();
    const cache = createCachedGroupPolicies(inner, { ttlMs: 60_000, now: () => 0 });
    expect((await cache.policiesOf('a@example.com'))[0]?.policy.send).toBe('inside');
    await cache.replace('g', OPEN_POLICY);
    expect((await cache.policiesOf('a@example.com'))[0]?.policy.send).toBe('anywhere');
    expect(calls).toHaveLength(2);
  });

  it('asks every time with ttl 0', async () => {
    const { inner, calls } = counting();
    const cache = createCachedGroupPolicies(inner, { ttlMs: 0 });
    await cache.policiesOf('a@example.com');
    await cache.policiesOf('a@example.com');
    expect(calls).toHaveLength(2);
  });
});
