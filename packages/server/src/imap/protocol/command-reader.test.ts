import { describe, expect, it } from 'vitest';
import { CommandReader, type ReaderEvent } from './command-reader.js';
import { createLiteralPolicy } from './literal-policy.js';
import { drain, RecordingSink, readAll, show } from './testing/drain.js';

function commands(events: ReaderEvent[]) {
  return events.flatMap((e) => (e.kind === 'command' ? [e.command] : []));
}
function summary(events: ReaderEvent[]): string[] {
  return events.map((e) => {
    if (e.kind === 'command') return `cmd ${e.command.tag} ${e.command.uid ? 'UID ' : ''}${e.command.name}`;
    if (e.kind === 'error') {
      const code = e.error.code ? ` [${e.error.code.name}]` : '';
      return `err ${e.tag ?? '*'} ${e.error.status}${code}${e.fatal ? ' fatal' : ''}`;
    }
    if (e.kind === 'continue') return `+ ${e.request.size}`;
    if (e.kind === 'line') return `line ${e.line.toString()}`;
    return `idle-end ${e.done}`;
  });
}

describe('CommandReader: lines and tokens', () => {
  it('reads tag, name, UID and a token tree with sections and partials', () => {
    const events = readAll('A1 uid fetch 1:*,5 (FLAGS BODY.PEEK[HEADER.FIELDS (From "To")]<0.512> UID)\r\n');
    const [cmd] = commands(events);
    expect(cmd).toMatchObject({ tag: 'A1', name: 'FETCH', uid: true });
    expect(show(cmd?.args ?? [])).toEqual([
      '1:*,5',
      [
        'FLAGS',
        { atom: 'BODY.PEEK', section: ['HEADER.FIELDS', ['From', { q: 'To' }]], partial: '0.512' },
        'UID',
      ],
    ]);
  });

  it('gives the same events whatever the chunking, down to one byte at a time', () => {
    const stream =
      'a1 LOGIN {4}\r\nfred "pa\\"ss"\r\nb2 APPEND INBOX (\\Seen) {5+}\r\nhello\r\n\r\nc3 NOOP\nd4 SELECT "INBOX"\r\n';
    const whole = summary(readAll(stream));
    expect(whole).toEqual(['+ 4', 'cmd a1 LOGIN', 'cmd b2 APPEND', 'cmd c3 NOOP', 'cmd d4 SELECT']);
    for (const size of [1, 2, 3, 7, 13]) expect(summary(readAll(stream, {}, size))).toEqual(whole);
    const login = commands(readAll(stream, {}, 1))[0];
    expect(show(login?.args ?? [])).toEqual([{ lit: 'fred', binary: false }, { q: 'pa"ss' }]);
  });

  it('accepts bare LF, ignores blank lines, and keeps 8-bit UTF-8 in quoted strings and atoms', () => {
    const [cmd] = commands(readAll('\r\n\na CREATE "收件箱/项目"\nb CREATE 收件箱\r\n'));
    expect(show(cmd?.args ?? [])).toEqual([{ q: '收件箱/项目' }]);
    expect(show(commands(readAll('b CREATE 收件箱\r\n'))[0]?.args ?? [])).toEqual(['收件箱']);
    const bad = readAll(Buffer.from([...Buffer.from('c CREATE a'), 0xff, 0x0d, 0x0a]));
    expect(bad[0]?.kind === 'error' && bad[0].error.message).toMatch(/not UTF-8/);
  });

  it('checks what comes before a synchronizing literal before asking for it', () => {
    expect(summary(readAll('a LOGIN x{5}\r\nb NOOP\r\n'))).toEqual(['err a BAD', 'cmd b NOOP']);
    expect(summary(readAll('a LOGIN (x {5}\r\nhello)\r\n'))).toEqual(['+ 5', 'cmd a LOGIN']);
  });

  it('answers an over-long AUTHENTICATE line untagged (the session knows the command)', () => {
    const reader = new CommandReader({ maxLineBytes: 20 });
    reader.expectLine();
    reader.push(Buffer.from(`${'A'.repeat(50)}\r\nb NOOP\r\n`));
    expect(summary(drain(reader))).toEqual(['err * BAD [TOOBIG]', 'cmd b NOOP']);
  });

  it('refuses NUL in a line with a tagged BAD and reads on', () => {
    expect(summary(readAll('a NOOP\0x\r\nb NOOP\r\n'))).toEqual(['err a BAD', 'cmd b NOOP']);
  });

  it('answers a missing tag untagged, a missing command tagged', () => {
    expect(summary(readAll('* NOOP\r\n(x\r\nabc\r\nabc \r\n'))).toEqual([
      'err * BAD',
      'err * BAD',
      'err abc BAD',
      'err abc BAD',
    ]);
  });

  it('names what is wrong in the BAD text', () => {
    const texts = readAll('a X (b\r\nb X b)\r\nc X "open\r\nd X "\\n"\r\ne X a"b"\r\n').map((e) =>
      e.kind === 'error' ? e.error.message : '',
    );
    expect(texts).toEqual([
      'Missing ")" at the end of the command',
      'Unexpected ")"',
      'Missing closing quote of a quoted string',
      'In a quoted string, "\\" may only escape " or \\',
      'Expected a space before """',
    ]);
  });

  it('bounds nesting with BAD [LIMIT]', () => {
    const deep = `a SEARCH ${'('.repeat(40)}ALL${')'.repeat(40)}\r\nb NOOP\r\n`;
    expect(summary(readAll(deep, { maxDepth: 32 }))).toEqual(['err a BAD [LIMIT]', 'cmd b NOOP']);
  });

  it('bounds the token count with BAD [LIMIT]', () => {
    expect(
      summary(readAll(`a STORE 1 +FLAGS (${'x '.repeat(100)})\r\nb NOOP\r\n`, { maxTokens: 50 })),
    ).toEqual(['err a BAD [LIMIT]', 'cmd b NOOP']);
  });
});

describe('CommandReader: literals', () => {
  it('asks for a continuation before each synchronizing literal, not for LITERAL+', () => {
    expect(summary(readAll('a LOGIN {4}\r\nfred {3+}\r\nabc\r\n'))).toEqual(['+ 4', 'cmd a LOGIN']);
  });

  it('handles zero-length literals', () => {
    const events = readAll('a LOGIN {0}\r\n {0+}\r\n\r\n');
    expect(summary(events)).toEqual(['+ 0', 'cmd a LOGIN']);
    expect(show(commands(events)[0]?.args ?? [])).toEqual([
      { lit: '', binary: false },
      { lit: '', binary: false },
    ]);
  });

  it('reads literal8 with NUL, and refuses NUL in a plain literal then resynchronizes', () => {
    const ok = commands(readAll(Buffer.from('a APPEND INBOX ~{3+}\r\na\0b\r\n')));
    expect(ok[0]?.args[1]).toMatchObject({ kind: 'literal', binary: true, size: 3 });
    expect(summary(readAll('a APPEND INBOX {3+}\r\na\0b\r\nb NOOP\r\n'))).toEqual([
      'err a BAD',
      'cmd b NOOP',
    ]);
  });

  it('refuses a non-synchronizing literal over 4096 octets under LITERAL- and skips it', () => {
    const big = 'x'.repeat(5000);
    const events = readAll(`a APPEND INBOX {5000+}\r\n${big}\r\nb NOOP\r\n`, {
      maxNonSyncLiteral: 4096,
      literalPolicy: createLiteralPolicy({ maxLiteralBytes: 1024, appendLimit: 10_000 }),
    });
    expect(summary(events)).toEqual(['err a BAD [TOOBIG]', 'cmd b NOOP']);
  });

  it('refuses a synchronizing APPEND over APPENDLIMIT with NO [TOOBIG] before any byte is sent', () => {
    const policy = createLiteralPolicy({ maxLiteralBytes: 100, appendLimit: 1000 });
    const events = readAll('a APPEND INBOX {2000}\r\nb NOOP\r\n', { literalPolicy: policy });
    expect(summary(events)).toEqual(['err a NO [TOOBIG]', 'cmd b NOOP']);
  });

  it('refuses a big literal elsewhere with BAD [TOOBIG]; a skipped command with more literals is skipped whole', () => {
    const policy = createLiteralPolicy({ maxLiteralBytes: 10, appendLimit: 1000 });
    const events = readAll('a LOGIN {20+}\r\n01234567890123456789 {2+}\r\nxx\r\nb NOOP\r\n', {
      literalPolicy: policy,
    });
    expect(summary(events)).toEqual(['err a BAD [TOOBIG]', 'cmd b NOOP']);
  });

  it('ends the session on a refused non-synchronizing literal too big to skip', () => {
    const events = readAll('a APPEND INBOX {99999999999999999999999+}\r\nxxxx', { maxDiscardBytes: 1000 });
    expect(summary(events)).toEqual(['err a BAD [TOOBIG] fatal']);
  });

  it('streams an APPEND literal to a sink without holding it (100 MB in 1 MiB chunks)', () => {
    const sink = new RecordingSink(false);
    const policy = createLiteralPolicy({
      maxLiteralBytes: 1024,
      appendLimit: 200 * 1024 * 1024,
      openAppendSink: () => sink,
    });
    const reader = new CommandReader({ literalPolicy: policy });
    const size = 100 * 1024 * 1024;
    reader.push(Buffer.from(`a APPEND INBOX (\\Seen) {${size}}\r\n`));
    expect(summary(drain(reader))).toEqual([`+ ${size}`]);
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    let most = 0;
    for (let sent = 0; sent < size; sent += chunk.length) {
      reader.push(chunk);
      expect(drain(reader)).toEqual([]);
      most = Math.max(most, reader.bufferedBytes);
    }
    reader.push(Buffer.from('\r\n'));
    const [done] = drain(reader);
    expect(most).toBe(0);
    expect(sink).toMatchObject({ bytes: size, ended: true, aborted: null });
    expect(sink.largestPiece).toBeLessThanOrEqual(chunk.length);
    expect(done?.kind === 'command' && done.command.sinks).toEqual([sink]);
    expect(done?.kind === 'command' && show(done.command.args)).toEqual([
      'INBOX',
      ['\\Seen'],
      { streamed: size },
    ]);
  });

  it('aborts the sinks of a command that fails after its streamed literal', () => {
    const sink = new RecordingSink();
    const policy = createLiteralPolicy({ maxLiteralBytes: 10, appendLimit: 100, openAppendSink: () => sink });
    const events = readAll('a APPEND INBOX {3+}\r\nabc (\r\nb NOOP\r\n', { literalPolicy: policy });
    expect(summary(events)).toEqual(['err a BAD', 'cmd b NOOP']);
    expect(sink.ended).toBe(true);
    expect(sink.aborted).toMatch(/Missing "\)"/);
  });

  it('streams multi-append messages to one sink each (RFC 3502)', () => {
    const sinks: RecordingSink[] = [];
    const policy = createLiteralPolicy({
      maxLiteralBytes: 10,
      appendLimit: 100,
      openAppendSink: () => {
        sinks.push(new RecordingSink());
        return sinks.at(-1) as RecordingSink;
      },
    });
    const [cmd] = commands(
      readAll('a APPEND INBOX {3+}\r\nabc (\\Seen) {2+}\r\nde\r\n', { literalPolicy: policy }),
    );
    expect(cmd?.sinks).toHaveLength(2);
    expect(sinks.map((s) => Buffer.concat(s.kept).toString())).toEqual(['abc', 'de']);
  });

  it('tells the policy which argument a literal is', () => {
    const seen: Array<[number, number]> = [];
    readAll('a APPEND {5+}\r\nINBOX (\\Seen) UTF8 (~{2+}\r\nhi)\r\n', {
      literalPolicy: (r) => {
        seen.push([r.argumentIndex, r.depth]);
        return { action: 'buffer' };
      },
    });
    expect(seen).toEqual([
      [0, 0],
      [3, 1],
    ]);
  });
});

describe('CommandReader: limits on lines', () => {
  it('answers an over-long line with a tagged BAD [TOOBIG] and reads the next command', () => {
    const long = `a SEARCH TEXT ${'x'.repeat(300)}\r\nb NOOP\r\n`;
    expect(summary(readAll(long, { maxLineBytes: 100 }))).toEqual(['err a BAD [TOOBIG]', 'cmd b NOOP']);
    expect(summary(readAll(long, { maxLineBytes: 100 }, 7))).toEqual(['err a BAD [TOOBIG]', 'cmd b NOOP']);
  });

  it('skips a non-synchronizing literal announced at the end of an over-long line', () => {
    const long = `a SEARCH TEXT ${'x'.repeat(300)} {10+}\r\nb NOOP\r\nxx\r\nc NOOP\r\n`;
    expect(summary(readAll(long, { maxLineBytes: 100 }, 5))).toEqual(['err a BAD [TOOBIG]', 'cmd c NOOP']);
  });

  it('scans a line that trickles in byte by byte once, not once per byte', () => {
    const reader = new CommandReader();
    const line = Buffer.from(`a SEARCH TEXT ${'x'.repeat(60_000)}\r\n`);
    const started = Date.now();
    for (const byte of line) {
      reader.push(Buffer.of(byte));
      reader.next();
    }
    // A rescan per byte is ~1.8e9 byte comparisons (many seconds); one scan takes milliseconds.
    expect(Date.now() - started).toBeLessThan(5_000);
    reader.push(Buffer.from('b NOOP\r\n'));
    expect(summary(drain(reader))).toEqual(['cmd b NOOP']);
  });

  it('bounds a command made of many literals with maxCommandBytes', () => {
    const many = `a SEARCH${' TEXT {5+}\r\nhello'.repeat(50)}\r\nb NOOP\r\n`;
    expect(summary(readAll(many, { maxCommandBytes: 200 }))).toEqual(['err a BAD [TOOBIG]', 'cmd b NOOP']);
  });
});

describe('CommandReader: IDLE and raw lines', () => {
  it('ends IDLE on DONE (any case), ignoring blank lines', () => {
    const reader = new CommandReader();
    reader.push(Buffer.from('a IDLE\r\n'));
    expect(summary(drain(reader))).toEqual(['cmd a IDLE']);
    reader.startIdle();
    reader.push(Buffer.from('\r\ndo'));
    expect(drain(reader)).toEqual([]);
    reader.push(Buffer.from('ne\r\nb NOOP\r\n'));
    expect(summary(drain(reader))).toEqual(['idle-end true', 'cmd b NOOP']);
  });

  it('ends IDLE when iOS sends a command instead of DONE, then reads that command', () => {
    const reader = new CommandReader();
    reader.push(Buffer.from('8.568 IDLE\r\n'));
    drain(reader);
    reader.startIdle();
    reader.push(Buffer.from('8.569 IDLE\r\n'));
    expect(summary(drain(reader))).toEqual(['idle-end false', 'cmd 8.569 IDLE']);
  });

  it('hands AUTHENTICATE responses over as raw lines', () => {
    const reader = new CommandReader();
    reader.push(Buffer.from('a AUTHENTICATE PLAIN\r\nAGZyZWQAcGFzcw==\r\nb NOOP\r\n'));
    expect(summary([reader.next() as ReaderEvent])).toEqual(['cmd a AUTHENTICATE']);
    reader.expectLine();
    expect(summary(drain(reader))).toEqual(['line AGZyZWQAcGFzcw==', 'cmd b NOOP']);
  });

  it('drops what was pipelined before STARTTLS took effect', () => {
    const reader = new CommandReader();
    reader.push(Buffer.from('a STARTTLS\r\nb LOGIN fred secret\r\n'));
    expect(summary([reader.next() as ReaderEvent])).toEqual(['cmd a STARTTLS']);
    expect(reader.betweenCommands).toBe(true);
    expect(reader.dropBuffered()).toBe(21);
    reader.push(Buffer.from('c CAPABILITY\r\n'));
    expect(summary(drain(reader))).toEqual(['cmd c CAPABILITY']);
  });

  it('aborts a half-read streamed literal when the connection closes', () => {
    const sink = new RecordingSink();
    const policy = createLiteralPolicy({ maxLiteralBytes: 10, appendLimit: 100, openAppendSink: () => sink });
    const reader = new CommandReader({ literalPolicy: policy });
    reader.push(Buffer.from('a APPEND INBOX {50+}\r\nabc'));
    drain(reader);
    reader.close();
    expect(sink.aborted).toBe('connection closed');
  });
});
