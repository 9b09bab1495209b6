/** Frees a slot taken with {@link KeyedSlots.acquire}; calling it again does nothing. */
export type Release = () => void;

interface Lane {
  running: number;
  readonly waiting: Array<(release: Release) => void>;
}

/**
 * At most `perKey` holders of one key at a time; the others wait their turn
 * in arrival order. A slot passes straight to the next waiter when it is
 * released. Slots are per process (a cluster's nodes each have their own).
 */
export class KeyedSlots {
  private readonly lanes = new Map<string, Lane>();

  constructor(private readonly perKey: number) {}

  /** Resolves with the release of a slot of `key`, at once or when an earlier holder releases one. */
  acquire(key: string): Promise<Release> {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { running: 0, waiting: [] };
      this.lanes.set(key, lane);
    }
    if (lane.running < this.perKey) {
      lane.running += 1;
      return Promise.resolve(this.releaseOf(key, lane));
    }
    const waiting = lane.waiting;
    return new Promise<Release>((resolve) => waiting.push(resolve));
  }

  /** Keys with a holder or a waiter now. */
  get size(): number {
    return this.lanes.size;
  }

  private releaseOf(key: string, lane: Lane): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = lane.waiting.shift();
      if (next)
        next(this.releaseOf(key, lane)); // the slot passes on: `running` stays
      else if (--lane.running === 0) this.lanes.delete(key);
    };
  }
}
