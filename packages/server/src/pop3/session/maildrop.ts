/** One message of the maildrop as the session saw it at sign-in. */
export interface MaildropEntry {
  /**
   * The message's id in the store: never reused, and kept when the message
   * is moved between folders; it is the message's UIDL (RFC 1939 §7).
   */
  id: string;
  /** Its UID in the INBOX: what the UPDATE state expunges by. */
  uid: number;
  /** Octets as stored (RFC 1939 §11: LIST and STAT count these). */
  size: number;
  /** Where its bytes are (`store.blobs.read`). */
  blobId: string;
  /** Unread when the snapshot was taken: a RETR marks it read at QUIT. */
  unread: boolean;
}

/**
 * The maildrop of one session (RFC 1939 §6): INBOX as it was at sign-in,
 * numbered from 1 in UID order. Mail that arrives later is not seen until
 * the next session; deletions are only marks until QUIT (the UPDATE state).
 */
export class Maildrop {
  private readonly deleted = new Set<number>();
  private readonly retrieved = new Set<number>();

  constructor(
    /** The INBOX's id in the store. */
    readonly mailboxId: string,
    private readonly entries: readonly MaildropEntry[],
  ) {}

  /** Message `n` (1-based) unless it does not exist or is marked deleted. */
  get(n: number): MaildropEntry | undefined {
    return this.deleted.has(n) ? undefined : this.entries[n - 1];
  }

  /** Why `n` cannot be used: `missing` (never in the maildrop) or `deleted`; undefined when it can. */
  problem(n: number): 'missing' | 'deleted' | undefined {
    if (n < 1 || n > this.entries.length) return 'missing';
    return this.deleted.has(n) ? 'deleted' : undefined;
  }

  /** The messages not marked deleted, with their numbers. */
  *live(): Generator<[number, MaildropEntry]> {
    for (let i = 0; i < this.entries.length; i++) {
      if (!this.deleted.has(i + 1)) yield [i + 1, this.entries[i] as MaildropEntry];
    }
  }

  /** Count and octets of the messages not marked deleted (STAT, RFC 1939 §5). */
  stat(): { count: number; octets: number } {
    let count = 0;
    let octets = 0;
    for (const [, e] of this.live()) {
      count++;
      octets += e.size;
    }
    return { count, octets };
  }

  markDeleted(n: number): void {
    this.deleted.add(n);
  }

  markRetrieved(n: number): void {
    this.retrieved.add(n);
  }

  /** RSET (RFC 1939 §5): every deletion mark is removed. */
  reset(): void {
    this.deleted.clear();
  }

  /** What QUIT applies: the marked messages, and the unread ones retrieved and kept. */
  changes(): { deleted: MaildropEntry[]; seen: MaildropEntry[] } {
    const pick = (numbers: Iterable<number>) => [...numbers].map((n) => this.entries[n - 1] as MaildropEntry);
    const seen = [...this.retrieved].filter((n) => !this.deleted.has(n) && this.entries[n - 1]?.unread);
    return { deleted: pick([...this.deleted].sort((a, b) => a - b)), seen: pick(seen) };
  }
}
