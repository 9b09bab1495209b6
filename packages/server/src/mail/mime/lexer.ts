/**
 * A small lexer for structured header values (RFC 5322 §3.2, RFC 2045 §5.1):
 * comments, quoted strings and tokens. Values are "byte strings" (latin1,
 * one char per byte), so 8-bit bytes pass through unchanged.
 */
export class HeaderLexer {
  pos = 0;
  /** Text of the comments skipped so far (RFC 5322 §3.4: a comment may hold a display name). */
  comments: string[] = [];

  constructor(readonly text: string) {}

  get done(): boolean {
    this.skipCfws();
    return this.pos >= this.text.length;
  }

  /** The next character after white space and comments, without taking it. */
  peek(): string {
    this.skipCfws();
    return this.text.charAt(this.pos);
  }

  /** Takes `char` if it comes next. */
  take(char: string): boolean {
    if (this.peek() !== char) return false;
    this.pos++;
    return true;
  }

  /** Skips white space and (nested) comments, keeping the comments' text. */
  skipCfws(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) this.pos++;
      else if (c === 0x28) this.comments.push(this.comment());
      else break;
    }
  }

  /** A comment starting at `(`; returns its text without the outer parentheses. */
  private comment(): string {
    const t = this.text;
    let depth = 0;
    let out = '';
    while (this.pos < t.length) {
      const ch = t.charAt(this.pos++);
      if (ch === '\\' && this.pos < t.length) out += t.charAt(this.pos++);
      else if (ch === '(') {
        if (depth++ > 0) out += ch;
      } else if (ch === ')') {
        if (--depth === 0) return out;
        out += ch;
      } else out += ch;
    }
    return out;
  }

  /** A quoted string at the current position (after CFWS), unquoted; null when none starts here. */
  quoted(): string | null {
    if (this.peek() !== '"') return null;
    const t = this.text;
    this.pos++;
    let out = '';
    while (this.pos < t.length) {
      const ch = t.charAt(this.pos++);
      if (ch === '"') return out;
      if (ch === '\\' && this.pos < t.length) out += t.charAt(this.pos++);
      else if (ch !== '\r' && ch !== '\n') out += ch;
    }
    return out; // unterminated: what there was
  }

  /**
   * A run of characters up to white space, a comment, a quote or one of
   * `specials`; empty when none.
   */
  token(specials: string): string {
    this.skipCfws();
    const t = this.text;
    const start = this.pos;
    while (this.pos < t.length) {
      const ch = t.charAt(this.pos);
      if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n' || ch === '(' || ch === '"') break;
      if (specials.includes(ch)) break;
      this.pos++;
    }
    return t.slice(start, this.pos);
  }

  /** A token or a quoted string (RFC 2045 `value`). */
  value(specials: string): string {
    return this.quoted() ?? this.token(specials);
  }

  /** Moves past the next `char` (or to the end): recovery after a malformed item. */
  skipPast(char: string): void {
    const at = this.text.indexOf(char, this.pos);
    this.pos = at < 0 ? this.text.length : at + 1;
  }
}
