import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../shared/index.js';

/** The `sending.*` limits, per hour; 0 = unlimited. */
export interface SendRateLimits {
  userMessagesPerHour: number;
  userRecipientsPerHour: number;
  domainMessagesPerHour: number;
  domainRecipientsPerHour: number;
}

/** What one counter counts, and of whom. */
type CounterName = 'user-messages' | 'user-recipients' | 'domain-messages' | 'domain-recipients';

/** The options of one counter, as rate-limiter-flexible's limiters take them. */
export interface CounterOptions {
  /** Keeps the counters of one limit apart from the others' in a shared store. */
  keyPrefix: string;
  points: number;
  /** Seconds. */
  duration: number;
}

/**
 * Makes one counter. The default keeps it in this process (`RateLimiterMemory`);
 * several nodes share their counts by passing
 * `(o) => new RateLimiterRedis({ storeClient, ...o })` instead.
 */
export type CounterFactory = (options: CounterOptions) => RateLimiterAbstract;

/** One send to charge: who sends (a stable user key and the sender's domain), to how many recipients. */
export interface SendCharge {
  user: string;
  domain: string;
  recipients: number;
}

/** A charged send: take it back when the message was not sent after all. */
export interface ChargedSend {
  refund(): Promise<void>;
}

export interface SendRateLimiter {
  /**
   * Counts one message and its recipients against the sender's and their
   * domain's hourly limits. Over any of them: throws `SEND_RATE_LIMITED`
   * (with `retryAfter`, in seconds, and the limit's name) and counts
   * nothing, so a refused message does not use up the next hour's budget.
   */
  charge(send: SendCharge): Promise<ChargedSend>;
}

const HOUR_SECONDS = 3600;

const isRejection = (e: unknown): e is RateLimiterRes => e instanceof RateLimiterRes;

/** The send-rate limits of `sending.*` over rate-limiter-flexible counters (fixed one-hour windows). */
export function createSendRateLimiter(
  limits: SendRateLimits,
  makeCounter: CounterFactory = (o) => new RateLimiterMemory(o),
): SendRateLimiter {
  const counters: {
    name: CounterName;
    limiter: RateLimiterAbstract;
    of: 'user' | 'domain';
    per: 'message' | 'recipient';
  }[] = [];
  const add = (name: CounterName, points: number, of: 'user' | 'domain', per: 'message' | 'recipient') => {
    if (points > 0) {
      counters.push({
        name,
        of,
        per,
        limiter: makeCounter({ keyPrefix: `send-${name}`, points, duration: HOUR_SECONDS }),
      });
    }
  };
  add('user-messages', limits.userMessagesPerHour, 'user', 'message');
  add('user-recipients', limits.userRecipientsPerHour, 'user', 'recipient');
  add('domain-messages', limits.domainMessagesPerHour, 'domain', 'message');
  add('domain-recipients', limits.domainRecipientsPerHour, 'domain', 'recipient');

  return {
    async charge(send) {
      const taken = counters.map((c) => ({
        ...c,
        key: c.of === 'user' ? send.user : send.domain.toLowerCase(),
        points: c.per === 'message' ? 1 : Math.max(1, send.recipients),
      }));
      const outcomes = await Promise.allSettled(taken.map((t) => t.limiter.consume(t.key, t.points)));
      const refundAll = () =>
        Promise.all(taken.map((t) => t.limiter.reward(t.key, t.points))).then(() => undefined);
      const refused = outcomes.findIndex((o) => o.status === 'rejected');
      if (refused === -1) return { refund: refundAll };
      // A rejected consume counted its points too (and the others theirs): take every one back.
      await refundAll();
      const reason = (outcomes[refused] as PromiseRejectedResult).reason;
      if (!isRejection(reason)) throw reason; // the store failed (a Redis one): not the sender's fault
      const name = (taken[refused] as (typeof taken)[number]).name;
      const waitMs = Math.max(
        ...outcomes.map((o) =>
          o.status === 'rejected' && isRejection(o.reason) ? o.reason.msBeforeNext : 0,
        ),
      );
      throw new AppError('SEND_RATE_LIMITED', `Sending limit reached (${name} per hour); try again later`, {
        retryAfter: Math.max(1, Math.ceil(waitMs / 1000)),
        limit: name,
      });
    },
  };
}
