/**
 * `\Recent` for IMAP4rev1 clients (RFC 3501 §2.3.2; gone in IMAP4rev2): a
 * message is recent in the first session that sees it with the mailbox
 * opened read-write. Kept per process, as a per-mailbox UID floor: messages
 * above it have not been claimed yet. A mailbox no session of this process
 * has opened yet has floor 0, so after a restart everything counts as
 * recent once (RFC 3501 §2.3.2: when it cannot be known whether another
 * session saw a message, it SHOULD be recent). Several nodes each keep
 * their own floors; the flag is advisory and rev2 dropped it for that reason.
 */
export class RecentTracker {
  private readonly floors = new Map<string, number>();

  /** UIDs at or below this are not recent for anyone new. */
  floor(mailboxId: string): number {
    return this.floors.get(mailboxId) ?? 0;
  }

  /** Claims every UID up to `upTo` for the caller; returns the floor before the claim. */
  claim(mailboxId: string, upTo: number): number {
    const before = this.floor(mailboxId);
    if (upTo > before) this.floors.set(mailboxId, upTo);
    return before;
  }

  /** Forgets a deleted mailbox. */
  forget(mailboxId: string): void {
    this.floors.delete(mailboxId);
  }
}
