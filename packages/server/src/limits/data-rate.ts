/** Settings of a {@link RecordDeadline}. */
export interface RecordDeadlineOptions {
  /** Time a record may take when no byte of it arrives; the most time bytes can buy ahead. */
  timeoutMs: number;
  /** Each byte received buys `1000 / minBytesPerSecond` ms. */
  minBytesPerSecond: number;
}

/**
 * A per-request deadline with a minimum data rate, as Postfix's
 * `smtpd_per_request_deadline` and `smtpd_min_data_rate` define it: a record
 * (a command line, a message's data, a TLS handshake) starts with `timeoutMs`
 * to arrive; time spent waiting for it counts down, each byte received adds
 * `1/minBytesPerSecond` s, and the time in hand never exceeds `timeoutMs`.
 * A client that trickles bytes can no longer keep a session alive, as it can
 * against an idle timeout that every byte resets, while a large message over
 * a slow link is never cut as long as it moves at the minimum rate.
 *
 * Pure bookkeeping, no timers: the listener calls {@link advance} from its own
 * clock, and says whether a record was in progress (the client owed input)
 * since the last call. Time while the server itself is busy must not count.
 */
export class RecordDeadline {
  private leftMs: number;

  constructor(private readonly options: RecordDeadlineOptions) {
    this.leftMs = options.timeoutMs;
  }

  /**
   * Accounts for `elapsedMs` in which `bytes` arrived. With `inProgress` false
   * (nothing owed: between commands, or the server was working) the next record
   * starts afresh. Returns false once the record's time has run out.
   */
  advance(elapsedMs: number, bytes: number, inProgress: boolean): boolean {
    const { timeoutMs, minBytesPerSecond } = this.options;
    if (!inProgress) {
      this.leftMs = timeoutMs;
      return true;
    }
    const bought = (bytes * 1000) / minBytesPerSecond;
    this.leftMs = Math.min(timeoutMs, this.leftMs - elapsedMs + bought);
    return this.leftMs > 0;
  }

  /** Time left for the record in progress. */
  get remainingMs(): number {
    return this.leftMs;
  }
}
