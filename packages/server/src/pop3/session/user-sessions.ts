/**
 * Counts each user's signed-in POP3 sessions (both listeners together) and
 * refuses one over the limit. Several sessions of one user may run at once,
 * each on its own snapshot (see the README's POP3 section); the limit only
 * bounds what one account can hold.
 */
export class UserSessions {
  private readonly open = new Map<string, number>();

  constructor(private readonly maxPerUser: number) {}

  /** Takes a place for `userId`: the function that gives it back, or null when the user holds the most. */
  acquire(userId: string): (() => void) | null {
    const n = this.open.get(userId) ?? 0;
    if (this.maxPerUser > 0 && n >= this.maxPerUser) return null;
    this.open.set(userId, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(userId) ?? 1) - 1;
      if (left > 0) this.open.set(userId, left);
      else this.open.delete(userId);
    };
  }

  /** Signed-in sessions of `userId` now. */
  count(userId: string): number {
    return this.open.get(userId) ?? 0;
  }
}
