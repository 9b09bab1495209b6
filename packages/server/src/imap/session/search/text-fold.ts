/**
 * Text as SEARCH compares it: compatibility-normalized (NFKC, so full-width
 * ＡＢＣ and １２３ — common in Chinese text — match ABC and 123) and lower
 * case, so ASCII and other cased scripts match case-insensitively (RFC 9051
 * §6.4.4 asks for ASCII at least). CJK text has no case and is unchanged.
 * Whitespace runs are one space, so a folded header or a wrapped line
 * matches a phrase across its break.
 */
export function foldText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ');
}

/**
 * Finds needles in text that arrives in pieces: each needle once found
 * stays found; the last characters of a piece are kept so a needle that
 * spans two pieces is found too. Text must be folded by the caller.
 */
export class NeedleScanner {
  private readonly found = new Set<string>();
  private tail = '';
  private readonly keep: number;

  constructor(private readonly needles: readonly string[]) {
    this.keep = Math.max(0, ...needles.map((n) => n.length - 1));
  }

  /** True once every needle was found (the rest need not be read). */
  get done(): boolean {
    return this.found.size === this.needles.length;
  }

  /** The needles found so far. */
  get matches(): ReadonlySet<string> {
    return this.found;
  }

  /** Looks at the next piece of folded text. */
  push(piece: string): void {
    // Both sides folded: a space run split between two pieces is one space.
    const text =
      this.tail.endsWith(' ') && piece.startsWith(' ') ? this.tail + piece.slice(1) : this.tail + piece;
    for (const needle of this.needles)
      if (!this.found.has(needle) && text.includes(needle)) this.found.add(needle);
    this.tail = this.keep > 0 ? text.slice(-this.keep) : '';
  }

  /** Ends a stretch of text (a part): a needle never spans two parts. */
  reset(): void {
    this.tail = '';
  }
}
