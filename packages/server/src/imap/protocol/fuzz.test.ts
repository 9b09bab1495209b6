import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommandReader, type CommandReaderOptions, type ReaderEvent } from './command-reader.js';
import { ImapProtocolError } from './errors.js';
import { createLiteralPolicy } from './literal-policy.js';
import { parseCommand } from './parse-command.js';
import { RecordingSink } from './testing/drain.js';
import { TRANSCRIPTS } from './testing/transcripts.js';
import type { RawCommand, Token } from './tokens.js';

const LIMITS = { maxLineBytes: 512, maxCommandBytes: 4096, maxDepth: 8, maxTokens: 200 } as const;

/**
 * Feeds `input` split at `cuts`, switching modes as a session would, and
 * checks the invariants: nothing throws, every buffered literal respects
 * the policy, every command either parses or is refused with an
 * ImapProtocolError, and the reader holds no more than it was given.
 */
function fuzzRead(input: Uint8Array, cuts: number[], options: CommandReaderOptions = {}): ReaderEvent[] {
  const sinks: RecordingSink[] = [];
  const reader = new CommandReader({
    ...LIMITS,
    literalPolicy: createLiteralPolicy({
      maxLiteralBytes: 64,
      appendLimit: 1000,
      openAppendSink: () => {
        sinks.push(new RecordingSink(false));
        return sinks.at(-1) as RecordingSink;
      },
    }),
    ...options,
  });
  const events: ReaderEvent[] = [];
  const points = [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const to of [...points, input.length]) {
    reader.push(Buffer.from(input.subarray(from, to)));
    from = to;
    for (let event = reader.next(); event; event = reader.next()) {
      events.push(event);
      if (event.kind === 'command') checkCommand(event.command, reader);
    }
    expect(reader.bufferedBytes).toBeLessThanOrEqual(input.length);
  }
  reader.close();
  for (const sink of sinks) expect(sink.bytes).toBeLessThanOrEqual(1000);
  return events;
}

function checkCommand(command: RawCommand, reader: CommandReader): void {
  for (const token of walk(command.args)) {
    if (token.kind === 'literal' && token.value) expect(token.size).toBeLessThanOrEqual(64);
  }
  try {
    const parsed = parseCommand(command, { utf8Names: false });
    if (parsed.name === 'IDLE') reader.startIdle();
    if (parsed.name === 'AUTHENTICATE' && !parsed.initialResponse) reader.expectLine();
  } catch (error) {
    if (!(error instanceof ImapProtocolError)) throw error;
    expect(error.message.length).toBeGreaterThan(0);
  }
}

function* walk(tokens: readonly Token[]): Generator<Token> {
  for (const token of tokens) {
    yield token;
    if (token.kind === 'list') yield* walk(token.items);
    if (token.kind === 'atom' && token.section) yield* walk(token.section);
  }
}

/** Bytes that make IMAP interesting, and random ones. */
/** FUZZ_RUNS=n runs every property n times (the defaults keep the suite quick). */
const runs = (n: number) => Number(process.env.FUZZ_RUNS ?? n);

const imapByte = fc.oneof(
  fc.constantFrom(...Buffer.from(' ()[]{}<>"\\*%$:,.+~-\r\n0123456789')),
  fc.constantFrom(...Buffer.from('aAbBfFnNuUlLiIsS')),
  fc.integer({ min: 0, max: 255 }),
);
const corpus = TRANSCRIPTS.map((t) => Buffer.from(t.input, 'utf8'));
const cuts = fc.array(fc.nat(), { maxLength: 12 });

describe('fuzzing the reader and the grammars', () => {
  it('survives random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), cuts, (bytes, at) => {
        fuzzRead(bytes, at);
      }),
      { numRuns: runs(300) },
    );
  });

  it('survives random IMAP-ish bytes', () => {
    fc.assert(
      fc.property(fc.array(imapByte, { maxLength: 3000 }), cuts, (bytes, at) => {
        fuzzRead(Uint8Array.from(bytes), at);
      }),
      { numRuns: runs(300) },
    );
  });

  it('survives real transcripts with bytes flipped, inserted, deleted or cut off', () => {
    const mutation = fc.record({
      which: fc.nat({ max: corpus.length - 1 }),
      edits: fc.array(fc.tuple(fc.nat(), fc.constantFrom('flip', 'insert', 'delete'), imapByte), {
        maxLength: 8,
      }),
      cut: fc.option(fc.nat()),
    });
    fc.assert(
      fc.property(mutation, cuts, ({ which, edits, cut }, at) => {
        const bytes = [...(corpus[which] as Buffer)];
        for (const [pos, kind, byte] of edits) {
          const i = pos % (bytes.length + 1);
          if (kind === 'flip') bytes[i] = byte;
          else if (kind === 'insert') bytes.splice(i, 0, byte);
          else bytes.splice(i, 1);
        }
        const input = Uint8Array.from(cut === null ? bytes : bytes.slice(0, cut % (bytes.length + 1)));
        fuzzRead(input, at);
      }),
      { numRuns: runs(400) },
    );
  });

  it('answers every garbage line with BAD and then reads the next command', () => {
    const lineByte = fc.integer({ min: 1, max: 255 }).filter((b) => b !== 0x0a && b !== 0x0d && b !== 0x7b);
    fc.assert(
      fc.property(fc.array(fc.array(lineByte, { maxLength: 700 }), { maxLength: 6 }), cuts, (lines, at) => {
        const garbage = lines.map((l) => Buffer.concat([Buffer.from(l), Buffer.from('\r\n')]));
        const input = Buffer.concat([...garbage, Buffer.from('zz9 NOOP\r\n')]);
        const events = fuzzRead(input, at);
        const last = events.at(-1);
        expect(last?.kind === 'command' && last.command.tag).toBe('zz9');
      }),
      { numRuns: runs(200) },
    );
  });

  it('refuses absurd literal sizes and deep nesting without allocating them', () => {
    const events = fuzzRead(
      Buffer.from(
        `a LOGIN {${'9'.repeat(40)}}\r\nb SEARCH ${'('.repeat(500)}\r\nc APPEND INBOX {18446744073709551615}\r\nd NOOP\r\n`,
      ),
      [],
    );
    expect(events.map((e) => (e.kind === 'error' ? `${e.tag} ${e.error.code?.name}` : e.kind))).toEqual([
      'a TOOBIG',
      'b LIMIT',
      'c TOOBIG',
      'command',
    ]);
  });

  it('parses random token trees into commands or clear BADs, never anything else', () => {
    const word = fc.constantFrom(
      ...'FLAGS UID BODY BODY.PEEK RFC822 ALL NOT OR SINCE 1-Jan-2020 1:* $ * 5 0 \\Seen $Junk INBOX NIL RETURN CHARSET UTF-8 MODSEQ CONDSTORE QRESYNC CHANGEDSINCE VANISHED +FLAGS -FLAGS.SILENT UNCHANGEDSINCE STATUS MESSAGES SUBSCRIBED RECURSIVEMATCH USE UTF8 HEADER.FIELDS'.split(
        ' ',
      ),
    );
    const tree = fc.letrec<{ token: Token }>((tie) => ({
      token: fc.oneof(
        { depthSize: 'small' },
        word.map((value): Token => ({ kind: 'atom', value })),
        fc.string({ maxLength: 12 }).map((s): Token => ({ kind: 'quoted', value: Buffer.from(s) })),
        fc.uint8Array({ maxLength: 12 }).map(
          (b): Token => ({
            kind: 'literal',
            binary: b.length % 2 === 0,
            size: b.length,
            value: Buffer.from(b),
            sink: null,
          }),
        ),
        fc.array(tie('token'), { maxLength: 4 }).map((items): Token => ({ kind: 'list', items })),
        fc
          .tuple(
            word,
            fc.array(tie('token'), { maxLength: 3 }),
            fc.option(fc.constantFrom('0.10', '5', 'x.y', '1.0'), { nil: undefined }),
          )
          .map(([value, section, partial]): Token => ({ kind: 'atom', value, section, partial })),
      ),
    }));
    const names = [
      'FETCH',
      'SEARCH',
      'STORE',
      'COPY',
      'MOVE',
      'EXPUNGE',
      'SORT',
      'THREAD',
      'SELECT',
      'EXAMINE',
      'LIST',
      'LSUB',
      'STATUS',
      'APPEND',
      'CREATE',
      'RENAME',
      'ENABLE',
      'ID',
      'AUTHENTICATE',
      'LOGIN',
      'COMPRESS',
      'SETQUOTA',
      'NOOP',
      'XYZZY',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        fc.boolean(),
        fc.array(tree.token, { maxLength: 8 }),
        fc.boolean(),
        (name, uid, args, utf8Names) => {
          try {
            parseCommand({ tag: 't', name, uid, args, sinks: [] }, { utf8Names });
          } catch (error) {
            if (!(error instanceof ImapProtocolError)) throw error;
            // NO [CANNOT]: a well-formed name that is not valid modified UTF-7 (mailbox-name.ts).
            const refused = ['BADCHARSET', 'CANNOT'].includes(error.code?.name ?? '');
            expect(error.status === 'BAD' || refused).toBe(true);
          }
        },
      ),
      { numRuns: runs(3000) },
    );
  });
});
