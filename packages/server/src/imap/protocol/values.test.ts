import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDateTime, parseDateTime, parseSearchDate } from './date-time.js';
import { decodeModifiedUtf7, encodeModifiedUtf7, mailboxFromWire, mailboxToWire } from './mailbox-name.js';
import { formatSequenceSet, inRanges, parseSequenceSet, resolveSequenceSet } from './sequence-set.js';

describe('modified UTF-7 mailbox names', () => {
  it('encodes and decodes Chinese names and the & escape', () => {
    expect(encodeModifiedUtf7('收件箱/项目')).toBe('&ZTZO9nux-/&mHl27g-');
    expect(decodeModifiedUtf7('&ZTZO9nux-/&mHl27g-')).toBe('收件箱/项目');
    expect(encodeModifiedUtf7('&')).toBe('&-');
    expect(encodeModifiedUtf7('Tom & Jerry')).toBe('Tom &- Jerry');
    expect(decodeModifiedUtf7('~peter/mail/&U,BTFw-/&ZeVnLIqe-')).toBe('~peter/mail/台北/日本語');
    expect(encodeModifiedUtf7('😀')).toBe('&2D3eAA-');
  });

  it('refuses non-canonical and broken forms', () => {
    for (const bad of ['&Jjo!', '&AGE-', '&', '&ZeVnLIqe', '&AMk-&AMk-', '&2AA-', 'caf\u00e9']) {
      expect(() => decodeModifiedUtf7(bad), bad).toThrow(/not valid modified UTF-7/);
    }
  });

  it('round-trips any Unicode name (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (name) => {
        const wire = encodeModifiedUtf7(name);
        expect(wire).toMatch(/^[\x20-\x7e]*$/);
        expect(decodeModifiedUtf7(wire)).toBe(name);
      }),
    );
  });

  it('maps wire names to store names and back per session mode', () => {
    expect(mailboxFromWire(Buffer.from('iNbOx'), false)).toBe('INBOX');
    expect(mailboxFromWire(Buffer.from('收件箱'), false)).toBe('收件箱');
    expect(mailboxFromWire(Buffer.from('Entwu\u0308rfe'), true)).toBe('Entw\u00fcrfe');
    expect(mailboxFromWire(Buffer.from('Entwu&Awg-rfe'), false)).toBe('Entw\u00fcrfe');
    expect(() => mailboxFromWire(Buffer.from([0xe6, 0x94]), true)).toThrow(/not valid UTF-8/);
    expect(() => mailboxFromWire(Buffer.from('a&AAE-b'), false)).toThrow(/control characters/);
    expect(mailboxToWire('项目', false)).toBe('&mHl27g-');
    expect(mailboxToWire('项目', true)).toBe('项目');
  });
});

describe('date-time', () => {
  it('formats INTERNALDATE with a zero-padded day and the zone', () => {
    const date = new Date(Date.UTC(2026, 11, 6, 10, 0, 0));
    expect(formatDateTime(date)).toBe('06-Dec-2026 10:00:00 +0000');
    expect(formatDateTime(date, 480)).toBe('06-Dec-2026 18:00:00 +0800');
    expect(formatDateTime(date, -450)).toBe('06-Dec-2026 02:30:00 -0730');
  });

  it('parses date-time leniently about the day and strictly about the rest', () => {
    expect(parseDateTime(' 7-Feb-1994 21:52:25 -0800')?.date.toISOString()).toBe('1994-02-08T05:52:25.000Z');
    expect(parseDateTime('07-feb-1994 21:52:25 +0000')?.offsetMinutes).toBe(0);
    for (const bad of [
      '30-Feb-2020 00:00:00 +0000',
      '01-Foo-2020 00:00:00 +0000',
      '01-Jan-2020 24:00:00 +0000',
      '01-Jan-2020 00:00 +0000',
    ]) {
      expect(parseDateTime(bad), bad).toBeNull();
    }
    expect(parseSearchDate('29-Feb-2024')).toEqual({ year: 2024, month: 2, day: 29 });
    expect(parseSearchDate('29-Feb-2023')).toBeNull();
  });

  it('round-trips any instant and zone (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2200, 0, 1) }),
        fc.integer({ min: -720, max: 840 }),
        (ms, zone) => {
          const date = new Date(Math.floor(ms / 1000) * 1000);
          expect(parseDateTime(formatDateTime(date, zone))).toEqual({ date, offsetMinutes: zone });
        },
      ),
    );
  });
});

describe('sequence sets', () => {
  it('parses, resolves * and merges', () => {
    const set = parseSequenceSet('5:3,*,4:9,12');
    expect(set.kind === 'ranges' && resolveSequenceSet(set.ranges, 20)).toEqual([
      [3, 9],
      [12, 12],
      [20, 20],
    ]);
    expect(set.kind === 'ranges' && resolveSequenceSet(set.ranges, 0)).toEqual([
      [3, 9],
      [12, 12],
    ]);
    expect(() => parseSequenceSet('1,,2')).toThrow(/Invalid sequence set/);
    expect(() => parseSequenceSet('$', { allowSaved: false })).toThrow(/not allowed/);
  });

  it('formats numbers compactly and resolves what it formats (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 500 }), { maxLength: 60 }), (numbers) => {
        const wire = formatSequenceSet(numbers);
        const unique = [...new Set(numbers)];
        if (unique.length === 0) {
          expect(wire).toBe('');
          return;
        }
        const set = parseSequenceSet(wire);
        const ranges = set.kind === 'ranges' ? resolveSequenceSet(set.ranges, 500) : [];
        for (let n = 1; n <= 500; n++) expect(inRanges(ranges, n)).toBe(unique.includes(n));
      }),
    );
  });
});
