import { TextDecoder } from 'node:util';
import { limitError, syntaxError } from './errors.js';
import type { AtomToken, ListToken, LiteralToken, Token } from './tokens.js';

/** Bounds of one command's token tree. */
export interface LexerLimits {
  /** Deepest nesting of lists and sections. */
  readonly maxDepth: number;
  /** Most tokens in one command. */
  readonly maxTokens: number;
}

interface Container {
  readonly kind: 'root' | 'list' | 'section';
  readonly items: Token[];
  readonly owner?: AtomToken;
}

const SP = 0x20;
const DQUOTE = 0x22;
const LPAREN = 0x28;
const RPAREN = 0x29;
const LT = 0x3c;
const GT = 0x3e;
const LBRACKET = 0x5b;
const BACKSLASH = 0x5c;
const RBRACKET = 0x5d;

/**
 * Bytes that end an atom anywhere: SP, `(`, `)`, `"`, `{` and the controls
 * (RFC 9051 §9 atom-specials). `%`, `*`, `\` and `]` are atom-specials too,
 * but they are kept inside atoms because list patterns, sequence sets, flags
 * and astrings need them; each grammar checks its own characters. 8-bit
 * bytes are kept too (UTF-8 names sent unquoted by lax clients).
 */
const ENDS_ATOM = new Uint8Array(256);
for (let b = 0; b < 0x20; b++) ENDS_ATOM[b] = 1;
for (const c of [SP, DQUOTE, LPAREN, RPAREN, 0x7b, 0x7f]) ENDS_ATOM[c] = 1;

/** The fetch attributes whose `[` opens a section (RFC 9051 §9 fetch-att; RFC 3516). */
const SECTION_OWNERS = new Set(['BODY', 'BODY.PEEK', 'BINARY', 'BINARY.PEEK', 'BINARY.SIZE']);

/**
 * Turns the argument text of a command into tokens, one line segment at a
 * time: a command broken by literals arrives as several segments, and the
 * open lists carry over from one to the next. Throws {@link ImapProtocolError}.
 */
export class ArgumentLexer {
  private readonly stack: Container[] = [{ kind: 'root', items: [] }];
  /** True right after a token: the next one must be preceded by SP (or be a closer). */
  private needSeparator = false;
  private tokens = 0;

  constructor(private readonly limits: LexerLimits) {}

  /** Lexes `line[start, end)`: one segment, without its line end or trailing literal header. */
  lex(line: Buffer, start: number, end: number): void {
    let i = start;
    while (i < end) {
      const c = line[i] as number;
      if (c === SP) {
        this.needSeparator = false;
        i++;
      } else if (c === RPAREN) {
        this.closeList();
        i++;
      } else if (c === RBRACKET && this.top.kind === 'section') {
        i = this.closeSection(line, i + 1, end);
      } else if (this.needSeparator) {
        throw syntaxError(`Expected a space before ${describe(c)}`);
      } else if (c === LPAREN) {
        this.open({ kind: 'list', items: [] });
        i++;
      } else if (c === DQUOTE) {
        i = this.quoted(line, i + 1, end);
      } else if (ENDS_ATOM[c]) {
        throw syntaxError(`Unexpected ${describe(c)}`);
      } else {
        i = this.atom(line, i, end);
      }
    }
  }

  /** True when a literal may start here (after SP, `(` or at the start). */
  get canTakeLiteral(): boolean {
    return !this.needSeparator;
  }

  /** Number of complete top-level arguments so far. */
  get argumentCount(): number {
    return (this.stack[0] as Container).items.length;
  }

  /** How deep the next token would sit (0 = a top-level argument). */
  get depth(): number {
    return this.stack.length - 1;
  }

  /** Adds a received literal where the next token goes. */
  addLiteral(token: LiteralToken): void {
    if (this.needSeparator) throw syntaxError('Expected a space before a literal');
    this.push(token);
  }

  /** The complete argument list; throws if a list or section is still open. */
  finish(): Token[] {
    const top = this.top;
    if (top.kind === 'list') throw syntaxError('Missing ")" at the end of the command');
    if (top.kind === 'section') throw syntaxError('Missing "]" at the end of the command');
    return top.items;
  }

  private get top(): Container {
    return this.stack[this.stack.length - 1] as Container;
  }

  private push(token: Token): void {
    if (++this.tokens > this.limits.maxTokens)
      throw limitError(`Too many arguments in one command (at most ${this.limits.maxTokens})`);
    this.top.items.push(token);
    this.needSeparator = true;
  }

  private open(container: Container): void {
    if (this.stack.length > this.limits.maxDepth)
      throw limitError(`Lists nested too deep (at most ${this.limits.maxDepth} levels)`);
    if (container.kind === 'list') this.push({ kind: 'list', items: container.items } satisfies ListToken);
    this.stack.push(container);
    this.needSeparator = false;
  }

  private closeList(): void {
    if (this.top.kind !== 'list')
      throw syntaxError(this.top.kind === 'section' ? 'Expected "]"' : 'Unexpected ")"');
    this.stack.pop();
    this.needSeparator = true;
  }

  /** Closes a section at `]` and reads a `<partial>` right after it; returns the next offset. */
  private closeSection(line: Buffer, i: number, end: number): number {
    const owner = this.stack.pop()?.owner as AtomToken;
    this.needSeparator = true;
    if (i >= end || line[i] !== LT) return i;
    const close = line.indexOf(GT, i);
    if (close === -1 || close >= end) throw syntaxError('Missing ">" after a partial range');
    owner.partial = line.toString('latin1', i + 1, close);
    return close + 1;
  }

  /** Reads a quoted string whose body starts at `i`; returns the offset after its closing quote. */
  private quoted(line: Buffer, i: number, end: number): number {
    let pieces: Buffer[] | null = null;
    let from = i;
    let j = i;
    for (; j < end; j++) {
      const b = line[j];
      if (b === DQUOTE) break;
      if (b !== BACKSLASH) continue;
      const next = line[j + 1];
      if (j + 1 >= end || (next !== DQUOTE && next !== BACKSLASH))
        throw syntaxError('In a quoted string, "\\" may only escape " or \\');
      pieces = pieces ?? [];
      pieces.push(line.subarray(from, j));
      j++;
      from = j;
    }
    if (j >= end) throw syntaxError('Missing closing quote of a quoted string');
    const value = pieces
      ? Buffer.concat([...pieces, line.subarray(from, j)])
      : Buffer.from(line.subarray(i, j));
    this.push({ kind: 'quoted', value });
    return j + 1;
  }

  /** Reads an atom starting at `i` (and the section it opens, if any); returns the next offset. */
  private atom(line: Buffer, i: number, end: number): number {
    const inSection = this.top.kind === 'section';
    let eightBit = 0;
    let j = i;
    for (; j < end; j++) {
      const b = line[j] as number;
      if (ENDS_ATOM[b] || (b === RBRACKET && inSection)) break;
      eightBit |= b & 0x80;
      if (b === LBRACKET && SECTION_OWNERS.has(line.toString('latin1', i, j).toUpperCase())) {
        const token: AtomToken = { kind: 'atom', value: line.toString('latin1', i, j), section: [] };
        this.push(token);
        this.open({ kind: 'section', items: token.section as Token[], owner: token });
        return j + 1;
      }
    }
    this.push({
      kind: 'atom',
      value: eightBit ? strictUtf8(line.subarray(i, j)) : line.toString('latin1', i, j),
    });
    return j;
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** An atom with 8-bit bytes must be UTF-8 (a lax client's unquoted name); anything else is refused, not guessed at. */
function strictUtf8(bytes: Buffer): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw syntaxError('An unquoted argument has 8-bit bytes that are not UTF-8');
  }
}

/** Names a byte in an error message. */
function describe(c: number): string {
  if (c >= 0x21 && c < 0x7f) return `"${String.fromCharCode(c)}"`;
  return `byte 0x${c.toString(16).padStart(2, '0')}`;
}
