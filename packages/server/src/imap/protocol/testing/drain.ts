import { CommandReader, type CommandReaderOptions, type ReaderEvent } from '../command-reader.js';
import type { LiteralSink, Token } from '../tokens.js';

/** Every event the reader yields for what it has queued so far. */
export function drain(reader: CommandReader): ReaderEvent[] {
  const events: ReaderEvent[] = [];
  for (let event = reader.next(); event; event = reader.next()) events.push(event);
  return events;
}

/** Feeds `input` in pieces of `size` bytes and returns every event. */
export function readAll(
  input: string | Buffer,
  options: CommandReaderOptions = {},
  size = Infinity,
): ReaderEvent[] {
  const reader = new CommandReader(options);
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const events: ReaderEvent[] = [];
  const step = Number.isFinite(size) ? size : bytes.length || 1;
  for (let i = 0; i < bytes.length; i += step) {
    reader.push(bytes.subarray(i, i + step));
    events.push(...drain(reader));
  }
  return events;
}

/** A compact, comparable picture of a token tree: atoms bare, strings quoted, lists in brackets. */
export function show(tokens: Token[]): unknown[] {
  return tokens.map((t) => {
    switch (t.kind) {
      case 'atom':
        return t.section ? { atom: t.value, section: show(t.section), partial: t.partial } : t.value;
      case 'quoted':
        return { q: t.value.toString('utf8') };
      case 'literal':
        return t.value ? { lit: t.value.toString('utf8'), binary: t.binary } : { streamed: t.size };
      default:
        return show(t.items);
    }
  });
}

/** A sink that records what it was given. */
export class RecordingSink implements LiteralSink {
  bytes = 0;
  pieces = 0;
  largestPiece = 0;
  ended = false;
  aborted: string | null = null;
  readonly kept: Buffer[] = [];
  constructor(private readonly keep = true) {}
  write(chunk: Buffer): void {
    this.bytes += chunk.length;
    this.pieces++;
    this.largestPiece = Math.max(this.largestPiece, chunk.length);
    if (this.keep) this.kept.push(Buffer.from(chunk));
  }
  end(): void {
    this.ended = true;
  }
  abort(reason: string): void {
    this.aborted = reason;
  }
}
