import { RateLimiterMemory } from 'rate-limiter-flexible';
import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/index.js';
import { type CounterOptions, createSendRateLimiter, type SendRateLimits } from './send-rate.js';

const NONE: SendRateLimits = {
  userMessagesPerHour: 0,
  userRecipientsPerHour: 0,
  domainMessagesPerHour: 0,
  domainRecipientsPerHour: 0,
};

const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
};

describe('send-rate limiter', () => {
  it('refuses the message past the per-user message limit with a retry time, and counts it not', async () => {
    const rate = createSendRateLimiter({ ...NONE, userMessagesPerHour: 2 });
    const alice = { user: 'u-alice', domain: 'a.test', recipients: 1 };
    await rate.charge(alice);
    await rate.charge(alice);
    const err = await refusal(rate.charge(alice));
    expect(err.code).toBe('SEND_RATE_LIMITED');
    expect(err.status).toBe(429);
    expect(err.extra).toMatchObject({ limit: 'user-messages' });
    const retryAfter = err.extra?.retryAfter as number;
    expect(retryAfter).toBeGreaterThan(3000);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    // Another user is not held back by alice's sends.
    await rate.charge({ ...alice, user: 'u-bob' });
  });

  it('counts recipients, and a refund gives the budget back', async () => {
    const rate = createSendRateLimiter({ ...NONE, userRecipientsPerHour: 5 });
    const sent = await rate.charge({ user: 'u', domain: 'a.test', recipients: 4 });
    expect((await refusal(rate.charge({ user: 'u', domain: 'a.test', recipients: 2 }))).extra).toMatchObject({
      limit: 'user-recipients',
    });
    // The refused charge took nothing: one more recipient still fits.
    await rate.charge({ user: 'u', domain: 'a.test', recipients: 1 });
    await refusal(rate.charge({ user: 'u', domain: 'a.test', recipients: 1 }));
    await sent.refund();
    await rate.charge({ user: 'u', domain: 'a.test', recipients: 4 });
  });

  it('sums every sender of a domain (case-insensitively) against the domain limits', async () => {
    const rate = createSendRateLimiter({ ...NONE, domainMessagesPerHour: 3, userMessagesPerHour: 10 });
    await rate.charge({ user: 'a1', domain: 'a.test', recipients: 1 });
    await rate.charge({ user: 'a2', domain: 'A.TEST', recipients: 1 });
    await rate.charge({ user: 'a3', domain: 'a.test', recipients: 1 });
    const err = await refusal(rate.charge({ user: 'a4', domain: 'a.test', recipients: 1 }));
    expect(err.extra).toMatchObject({ limit: 'domain-messages' });
    await rate.charge({ user: 'b1', domain: 'b.test', recipients: 1 });
    // Either limit alone refuses: y by x.test's budget, x by its own in another domain.
    const user = createSendRateLimiter({ ...NONE, userMessagesPerHour: 1, domainMessagesPerHour: 1 });
    await user.charge({ user: 'x', domain: 'x.test', recipients: 1 });
    await refusal(user.charge({ user: 'y', domain: 'x.test', recipients: 1 }));
    await refusal(user.charge({ user: 'x', domain: 'y.test', recipients: 1 }));
  });

  it('0 is unlimited', async () => {
    const rate = createSendRateLimiter(NONE);
    for (let i = 0; i < 50; i++) await rate.charge({ user: 'u', domain: 'd', recipients: 100 });
  });

  it('builds its counters with the factory it is given (a shared store for several nodes)', async () => {
    const made: CounterOptions[] = [];
    const rate = createSendRateLimiter(
      { ...NONE, userMessagesPerHour: 1, domainRecipientsPerHour: 7 },
      (o) => {
        made.push(o);
        return new RateLimiterMemory(o);
      },
    );
    expect(made).toEqual([
      { keyPrefix: 'send-user-messages', points: 1, duration: 3600 },
      { keyPrefix: 'send-domain-recipients', points: 7, duration: 3600 },
    ]);
    await rate.charge({ user: 'u', domain: 'd', recipients: 1 });
    await refusal(rate.charge({ user: 'u', domain: 'd', recipients: 1 }));
  });
});
