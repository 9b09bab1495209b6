/** A pooled connection as the pool sees it. */
export interface Poolable {
  /** False once the connection can carry no more messages (closed by either side). */
  readonly usable: boolean;
  close(): void;
  /** Called when the peer closes an idle connection, so the pool can forget it. */
  onClosed(listener: () => void): void;
}

/**
 * A right to one open connection to a destination. `conn` is an idle
 * connection handed over for reuse, or null: open a new one under this slot.
 * Exactly one of `keep` (the connection may carry the next message to the
 * same key) or `drop` (closed or never opened) must be called.
 */
export interface Slot<C extends Poolable> {
  conn: C | null;
  keep(conn: C): void;
  drop(conn?: C | null): void;
}

interface Idle<C> {
  domain: string;
  key: string;
  conn: C;
  timer: NodeJS.Timeout;
}

interface Waiter<C extends Poolable> {
  domain: string;
  key: string;
  grant: (slot: Slot<C>) => void;
}

/** Limits the pool enforces. */
export interface PoolLimits {
  perDomain: number;
  total: number;
  /** How long an idle connection is kept for the next message (0: closed at once). */
  idleMs: number;
}

/**
 * Open connections, counted per destination domain and in all: a connection
 * holds its slot while busy and while idle. A job to a key (one address and
 * TLS mode) with an idle connection reuses it; otherwise it gets a fresh slot
 * when both limits allow, else an idle connection elsewhere is closed to make
 * room, else it waits (first come, first served) for a connection to be
 * released — a released connection goes straight to a waiter for its key.
 */
export class ConnectionPool<C extends Poolable> {
  private readonly open = new Map<string, number>();
  private total = 0;
  private idle: Idle<C>[] = [];
  private waiters: Waiter<C>[] = [];
  private closed = false;

  constructor(private readonly limits: PoolLimits) {}

  /** A slot for `domain`/`key`, when the limits allow one; rejects if `signal` aborts first. */
  acquire(domain: string, key: string, signal?: AbortSignal): Promise<Slot<C>> {
    if (this.closed) return Promise.reject(new Error('the transport is closed'));
    const now = this.tryGrant(domain, key);
    if (now) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const waiter: Waiter<C> = {
        domain,
        key,
        grant: (slot) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(slot);
        },
      };
      const onAbort = () => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(signal?.reason ?? new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Connections open now for `domain` (busy and idle). */
  openFor(domain: string): number {
    return this.open.get(domain) ?? 0;
  }

  /** Closes every idle connection; busy ones close as their jobs end. */
  async close(): Promise<void> {
    this.closed = true;
    for (const entry of this.idle.splice(0)) this.discard(entry);
    this.waiters = [];
  }

  private tryGrant(domain: string, key: string): Slot<C> | null {
    const reusable = this.idle.find((e) => e.key === key && e.domain === domain && e.conn.usable);
    if (reusable) {
      this.removeIdle(reusable);
      return this.slot(domain, key, reusable.conn);
    }
    for (;;) {
      const domainFull = this.openFor(domain) >= this.limits.perDomain;
      const totalFull = this.total >= this.limits.total;
      if (!domainFull && !totalFull) {
        this.open.set(domain, this.openFor(domain) + 1);
        this.total++;
        return this.slot(domain, key, null);
      }
      const victim = domainFull ? this.idle.find((e) => e.domain === domain) : this.idle[0];
      if (!victim) return null;
      this.removeIdle(victim);
      this.discard(victim);
    }
  }

  private slot(domain: string, key: string, conn: C | null): Slot<C> {
    let settled = false;
    return {
      conn,
      keep: (c) => {
        if (settled) return;
        settled = true;
        if (this.closed || !c.usable) this.release(domain, c);
        else this.reuse(domain, key, c);
      },
      drop: (c) => {
        if (settled) return;
        settled = true;
        this.release(domain, c ?? null);
      },
    };
  }

  private reuse(domain: string, key: string, conn: C): void {
    const waiter = this.waiters.find((w) => w.domain === domain && w.key === key);
    if (waiter) {
      this.waiters = this.waiters.filter((w) => w !== waiter);
      waiter.grant(this.slot(domain, key, conn));
      return;
    }
    if (this.limits.idleMs <= 0) {
      this.release(domain, conn);
      return;
    }
    const entry: Idle<C> = {
      domain,
      key,
      conn,
      timer: setTimeout(() => this.expire(entry), this.limits.idleMs),
    };
    entry.timer.unref();
    conn.onClosed(() => this.expire(entry));
    this.idle.push(entry);
    this.pump();
  }

  private expire(entry: Idle<C>): void {
    if (!this.idle.includes(entry)) return;
    this.removeIdle(entry);
    this.discard(entry);
  }

  private removeIdle(entry: Idle<C>): void {
    clearTimeout(entry.timer);
    this.idle = this.idle.filter((e) => e !== entry);
  }

  /** Closes an idle connection and frees its slot. */
  private discard(entry: Idle<C>): void {
    clearTimeout(entry.timer);
    this.release(entry.domain, entry.conn);
  }

  private release(domain: string, conn: C | null): void {
    conn?.close();
    const left = this.openFor(domain) - 1;
    if (left > 0) this.open.set(domain, left);
    else this.open.delete(domain);
    this.total--;
    this.pump();
  }

  /** Gives freed room to waiters in arrival order. */
  private pump(): void {
    for (const waiter of [...this.waiters]) {
      if (!this.waiters.includes(waiter)) continue; // granted by a nested pump
      const slot = this.tryGrant(waiter.domain, waiter.key);
      if (!slot) continue;
      this.waiters = this.waiters.filter((w) => w !== waiter);
      waiter.grant(slot);
    }
  }
}
