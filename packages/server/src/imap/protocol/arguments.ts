import { syntaxError } from './errors.js';
import type { AtomToken, ListToken, LiteralToken, QuotedToken, Token } from './tokens.js';

/** A string argument: quoted or literal. */
export type StringToken = QuotedToken | LiteralToken;

/**
 * A cursor over a command's tokens for the grammars: each read checks the
 * kind it needs and throws a BAD that names the command and what was
 * expected (`FETCH: expected a sequence set, got a list`).
 */
export class Arguments {
  private index = 0;

  constructor(
    private readonly tokens: readonly Token[],
    /** Names the command in error texts. */
    readonly command: string,
  ) {}

  /** True when every token was read. */
  get done(): boolean {
    return this.index >= this.tokens.length;
  }

  /** The next token without reading it. */
  peek(): Token | undefined {
    return this.tokens[this.index];
  }

  /** The next token, whatever its kind. */
  next(expected: string): Token {
    const token = this.tokens[this.index];
    if (!token) throw this.error(`expected ${expected}, got nothing`);
    this.index++;
    return token;
  }

  /** An atom (without a section). */
  atom(expected: string): string {
    const token = this.next(expected);
    if (token.kind !== 'atom' || token.section)
      throw this.error(`expected ${expected}, got ${describeToken(token)}`);
    return token.value;
  }

  /** An atom in upper case (keywords are case-insensitive, RFC 9051 §9 note 1). */
  keyword(expected: string): string {
    return this.atom(expected).toUpperCase();
  }

  /** The next token if it is the keyword `word` (any case), else nothing is read. */
  takeKeyword(word: string): boolean {
    const token = this.peek();
    if (token?.kind === 'atom' && !token.section && token.value.toUpperCase() === word) {
      this.index++;
      return true;
    }
    return false;
  }

  /** An astring (atom, quoted or literal) as bytes. */
  astringBytes(expected: string): Buffer {
    const token = this.next(expected);
    if (token.kind === 'atom' && !token.section) return Buffer.from(token.value, 'utf8');
    if (token.kind === 'quoted') return token.value;
    if (token.kind === 'literal' && !token.binary && token.value) return token.value;
    throw this.error(`expected ${expected}, got ${describeToken(token)}`);
  }

  /** An astring decoded as UTF-8. */
  astring(expected: string): string {
    return this.astringBytes(expected).toString('utf8');
  }

  /** A string (quoted or literal, not an atom). */
  string(expected: string): StringToken {
    const token = this.next(expected);
    if (token.kind === 'quoted' || (token.kind === 'literal' && !token.binary && token.value)) return token;
    throw this.error(`expected ${expected} (a quoted string or literal), got ${describeToken(token)}`);
  }

  /** A parenthesized list, as a cursor of its own. */
  list(expected: string): Arguments {
    const token = this.next(expected);
    if (token.kind !== 'list')
      throw this.error(`expected ${expected} in parentheses, got ${describeToken(token)}`);
    return new Arguments(token.items, this.command);
  }

  /** A cursor over other tokens of the same command (a list read by hand). */
  within(tokens: readonly Token[]): Arguments {
    return new Arguments(tokens, this.command);
  }

  /** The next token if it is a list, else nothing is read. */
  optionalList(): Arguments | null {
    const token = this.peek();
    if (token?.kind !== 'list') return null;
    this.index++;
    return new Arguments((token as ListToken).items, this.command);
  }

  /** Throws unless every token was read. */
  end(): void {
    const token = this.peek();
    if (token) throw this.error(`unexpected ${describeToken(token)} after the last argument`);
  }

  /** A BAD naming this command. */
  error(text: string): Error {
    return syntaxError(`${this.command}: ${text}`);
  }
}

/** Names a token in an error text. */
export function describeToken(token: Token): string {
  switch (token.kind) {
    case 'atom':
      return `"${clip(token.value)}${(token as AtomToken).section ? '[...]' : ''}"`;
    case 'quoted':
      return `the string "${clip(token.value.toString('utf8'))}"`;
    case 'literal':
      return token.binary ? 'a literal8' : 'a literal';
    case 'list':
      return 'a parenthesized list';
  }
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** Upper bounds of the number kinds of RFC 9051 §9. */
export const NUMBER32_MAX = 0xffff_ffff;

/**
 * A decimal number within [min, max], or null. number64 values above 2^53
 * are refused (mod-sequences and sizes that large do not occur here).
 */
export function parseDecimal(text: string, min: number, max: number): number | null {
  if (text.length === 0 || text.length > 16 || !/^[0-9]+$/.test(text)) return null;
  const value = Number(text);
  return value >= min && value <= max ? value : null;
}

/** Reads a number token: `kind` names it in the error (`a UID validity`). */
export function readNumber(args: Arguments, kind: string, min = 0, max = NUMBER32_MAX): number {
  const text = args.atom(kind);
  const value = parseDecimal(text, min, max);
  if (value === null) throw args.error(`expected ${kind} (a number from ${min} to ${max}), got "${text}"`);
  return value;
}
