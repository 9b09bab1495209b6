import { describe, expect, it } from 'vitest';
import { ImapProtocolError } from './errors.js';
import { parseLine, refusal } from './testing/parse.js';

describe('parseCommand: FETCH', () => {
  it('expands macros and parses every kind of item', () => {
    expect(parseLine('a FETCH 1:* ALL')).toMatchObject({
      name: 'FETCH',
      uid: false,
      macro: 'ALL',
      attributes: [
        { kind: 'item', item: 'FLAGS' },
        { kind: 'item', item: 'INTERNALDATE' },
        { kind: 'item', item: 'RFC822.SIZE' },
        { kind: 'item', item: 'ENVELOPE' },
      ],
    });
    const cmd = parseLine(
      'a UID FETCH 1:5,7 (UID FLAGS MODSEQ BODYSTRUCTURE BODY[] BODY.PEEK[1.2.HEADER.FIELDS.NOT (Received)]<10.20> BODY[2.MIME] BINARY.PEEK[1]<0.100> BINARY.SIZE[1.2] RFC822.HEADER) (CHANGEDSINCE 12345 VANISHED)',
    );
    expect(cmd).toMatchObject({
      name: 'FETCH',
      uid: true,
      set: {
        kind: 'ranges',
        ranges: [
          { start: 1, end: 5 },
          { start: 7, end: 7 },
        ],
      },
      changedSince: 12345,
      vanished: true,
    });
    if (cmd.name !== 'FETCH') throw new Error('not FETCH');
    expect(cmd.attributes.slice(4)).toEqual([
      { kind: 'section', peek: false, section: { part: [], text: null, fields: [] }, partial: null },
      {
        kind: 'section',
        peek: true,
        section: { part: [1, 2], text: 'HEADER.FIELDS.NOT', fields: ['Received'] },
        partial: { offset: 10, length: 20 },
      },
      { kind: 'section', peek: false, section: { part: [2], text: 'MIME', fields: [] }, partial: null },
      { kind: 'binary', peek: true, part: [1], partial: { offset: 0, length: 100 } },
      { kind: 'binary-size', part: [1, 2] },
      { kind: 'item', item: 'RFC822.HEADER' },
    ]);
  });

  it('accepts $ and refuses bad sets, items, sections and modifiers with a clear text', () => {
    expect(parseLine('a FETCH $ FLAGS')).toMatchObject({ set: { kind: 'saved' } });
    expect(refusal('a FETCH 0 FLAGS')).toBe(
      'Invalid sequence set "0": expected numbers from 1 to 4294967295 or *, joined by ":" and ","',
    );
    expect(refusal('a FETCH 1:4294967296 FLAGS')).toMatch(/Invalid sequence set/);
    expect(refusal('a FETCH 1:2:3 FLAGS')).toMatch(/Invalid sequence set/);
    expect(refusal('a FETCH 1, FLAGS')).toMatch(/Invalid sequence set/);
    expect(refusal('a FETCH 1 FLAGZ')).toBe('FETCH: unknown fetch item "FLAGZ"');
    expect(refusal('a FETCH 1 BODY[MIME]')).toMatch(/MIME needs a part number/);
    expect(refusal('a FETCH 1 BODY[]<5>')).toMatch(/partial range <5>/);
    expect(refusal('a FETCH 1 BODY[HEADER.FIELDS]')).toMatch(/needs a list of header field names/);
    expect(refusal('a FETCH 1 FLAGS (VANISHED)')).toMatch(/VANISHED may only be used in UID FETCH/);
    expect(refusal('a FETCH 1 ()')).toMatch(/empty/);
    expect(refusal('a FETCH 1')).toMatch(/expected fetch items/);
  });
});

describe('parseCommand: SEARCH, SORT, THREAD', () => {
  it('parses every RFC 9051 key, RFC 3501 keys, MODSEQ and nesting', () => {
    const cmd = parseLine(
      'a UID SEARCH RETURN (MIN COUNT SAVE) CHARSET UTF-8 ALL ANSWERED BCC b BEFORE 1-Feb-1994 BODY x CC c DELETED DRAFT FLAGGED FROM "f" HEADER X-Spam yes KEYWORD $Junk LARGER 100 NEW NOT SEEN OLD ON "02-Mar-2020" OR (TO t SUBJECT s) UID 1:* RECENT SENTBEFORE 1-Jan-2000 SENTON 1-Jan-2000 SENTSINCE 1-Jan-2000 SINCE 1-Jan-2000 SMALLER 5 TEXT t UNANSWERED UNDELETED UNDRAFT UNFLAGGED UNKEYWORD foo UNSEEN 2,4:* $ MODSEQ "/flags/\\\\draft" all 620162338',
    );
    expect(cmd).toMatchObject({ name: 'SEARCH', uid: true });
    if (cmd.name !== 'SEARCH') throw new Error('not SEARCH');
    expect(cmd.program.charset).toBe('UTF-8');
    expect(cmd.program.returns).toEqual({ min: true, max: false, all: false, count: true, save: true });
    const keys = cmd.program.keys.map((k) => k.key);
    expect(keys).toEqual(
      'ALL ANSWERED BCC BEFORE BODY CC DELETED DRAFT FLAGGED FROM HEADER KEYWORD LARGER NEW NOT OLD ON OR RECENT SENTBEFORE SENTON SENTSINCE SINCE SMALLER TEXT UNANSWERED UNDELETED UNDRAFT UNFLAGGED UNKEYWORD UNSEEN SEQUENCE SEQUENCE MODSEQ'.split(
        ' ',
      ),
    );
    expect(cmd.program.keys[3]).toEqual({ key: 'BEFORE', date: { year: 1994, month: 2, day: 1 } });
    expect(cmd.program.keys[17]).toEqual({
      key: 'OR',
      left: {
        key: 'AND',
        operands: [
          { key: 'TO', value: 't' },
          { key: 'SUBJECT', value: 's' },
        ],
      },
      right: { key: 'UID', set: { kind: 'ranges', ranges: [{ start: 1, end: '*' }] } },
    });
    expect(cmd.program.keys.at(-1)).toEqual({
      key: 'MODSEQ',
      modseq: 620162338,
      entry: { flag: '\\Draft', type: 'all' },
    });
  });

  it('decodes strings in the CHARSET (UTF-8 literal, GBK) and refuses unknown charsets with NO [BADCHARSET]', () => {
    expect(parseLine('a SEARCH CHARSET UTF-8 SUBJECT {6+}\r\n项目')).toMatchObject({
      program: { keys: [{ key: 'SUBJECT', value: '项目' }] },
    });
    const gbk = Buffer.concat([
      Buffer.from('a SEARCH CHARSET GBK SUBJECT {4+}\r\n'),
      Buffer.from([0xc4, 0xe3, 0xba, 0xc3]),
    ]);
    expect(parseLine(gbk)).toMatchObject({
      program: { charset: 'GBK', keys: [{ key: 'SUBJECT', value: '你好' }] },
    });
    let error: unknown;
    try {
      parseLine('a SEARCH CHARSET X-NOPE TEXT x');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ImapProtocolError);
    expect(error).toMatchObject({ status: 'NO', code: { name: 'BADCHARSET', args: ['(UTF-8 US-ASCII)'] } });
  });

  it('treats a plain RETURN () as ALL and no RETURN as classic SEARCH', () => {
    expect(parseLine('a SEARCH RETURN () ALL')).toMatchObject({ program: { returns: { all: true } } });
    expect(parseLine('a SEARCH ALL')).toMatchObject({ program: { returns: null, charset: null } });
  });

  it('refuses unknown keys, bad dates and deep nesting', () => {
    expect(refusal('a SEARCH FOO')).toBe('SEARCH: unknown search key "FOO"');
    expect(refusal('a SEARCH SINCE 31-Feb-2020')).toMatch(/SINCE needs a date like 1-Feb-1994/);
    expect(refusal('a SEARCH')).toMatch(/expected a search key/);
    expect(refusal(`a SEARCH ${'NOT '.repeat(100)}ALL`)).toMatch(/nested too deep/);
    expect(refusal('a SEARCH OR ALL')).toMatch(/expected a search key, got nothing/);
  });

  it('parses SORT and THREAD', () => {
    expect(parseLine('a UID SORT (REVERSE DATE SUBJECT) UTF-8 UNSEEN')).toMatchObject({
      name: 'SORT',
      uid: true,
      criteria: [
        { key: 'DATE', reverse: true },
        { key: 'SUBJECT', reverse: false },
      ],
      program: { charset: 'UTF-8', keys: [{ key: 'UNSEEN' }] },
    });
    expect(parseLine('a THREAD REFERENCES US-ASCII ALL')).toMatchObject({
      name: 'THREAD',
      algorithm: 'REFERENCES',
    });
    expect(refusal('a SORT (DATE) ALL')).toBe('Unsupported charset ALL');
    expect(refusal('a SORT (WEIGHT) UTF-8 ALL')).toMatch(/unknown sort key "WEIGHT"/);
  });
});

describe('parseCommand: STORE, COPY, MOVE, EXPUNGE', () => {
  it('parses STORE forms and UNCHANGEDSINCE', () => {
    expect(parseLine('a STORE 2:4 +FLAGS.SILENT (\\deleted $Junk)')).toEqual({
      name: 'STORE',
      uid: false,
      set: { kind: 'ranges', ranges: [{ start: 2, end: 4 }] },
      action: 'add',
      silent: true,
      flags: ['\\Deleted', '$Junk'],
      unchangedSince: null,
    });
    expect(parseLine('a UID STORE 1 (UNCHANGEDSINCE 0) -flags \\Seen \\Flagged')).toMatchObject({
      action: 'remove',
      silent: false,
      flags: ['\\Seen', '\\Flagged'],
      unchangedSince: 0,
    });
    expect(refusal('a STORE 1 +FLAGS (\\Recent)')).toMatch(/not a valid flag/);
    expect(refusal('a STORE 1 FLAGS.LOUD (\\Seen)')).toMatch(/expected \+FLAGS/);
  });

  it('parses COPY/MOVE/UID EXPUNGE and refuses UID on other commands', () => {
    expect(parseLine('a UID MOVE 1:3 "&ZTZO9nux-/&mHl27g-"')).toMatchObject({
      name: 'MOVE',
      uid: true,
      mailbox: '收件箱/项目',
    });
    expect(parseLine('a UID EXPUNGE 3:5')).toMatchObject({ name: 'UID EXPUNGE' });
    expect(parseLine('a EXPUNGE')).toEqual({ name: 'EXPUNGE' });
    expect(refusal('a UID SELECT INBOX')).toBe('UID SELECT is not a command');
    expect(refusal('a BLURDYBLOOP')).toBe('Unknown command BLURDYBLOOP');
  });
});

describe('parseCommand: mailboxes', () => {
  it('decodes modified UTF-7 unless UTF8=ACCEPT, normalizes INBOX', () => {
    expect(parseLine('a SELECT inbox')).toMatchObject({ name: 'SELECT', mailbox: 'INBOX', condstore: false });
    expect(parseLine('a CREATE "A&-B"')).toMatchObject({ mailbox: 'A&B' });
    expect(parseLine('a CREATE "A&-B"', { utf8Names: true })).toMatchObject({ mailbox: 'A&-B' });
    expect(parseLine('a CREATE "收件箱"', { utf8Names: true })).toMatchObject({ mailbox: '收件箱' });
    expect(refusal('a CREATE "&Jjo!"')).toMatch(/not valid modified UTF-7/);
    // A well-formed name that is no valid modified UTF-7 is refused with NO [CANNOT], not BAD (imaptest atoms).
    expect(() => parseLine('a SELECT "!#$&\'+,-.0123456789"')).toThrow(
      expect.objectContaining({ status: 'NO', code: { name: 'CANNOT' } }),
    );
    // … and as a LIST pattern or reference it matches nothing.
    expect(parseLine('a LIST "" "!#$&\'+,-%*"')).toMatchObject({ name: 'LIST', patterns: [] });
    expect(parseLine('a LIST "" ("&Jjo!" "Work/%")')).toMatchObject({ patterns: ['Work/%'] });
    expect(parseLine('a LIST "&Jjo!" "*"')).toMatchObject({ reference: '', patterns: [] });
    expect(parseLine('a CREATE Drafts (USE (\\Drafts))')).toMatchObject({ specialUse: ['\\Drafts'] });
  });

  it('parses SELECT with CONDSTORE and QRESYNC', () => {
    expect(parseLine('a SELECT INBOX (CONDSTORE)')).toMatchObject({ condstore: true, qresync: null });
    expect(
      parseLine('a EXAMINE INBOX (QRESYNC (67890007 2005071519404500 41,43:211,214:541 (1:5 10:14)))'),
    ).toMatchObject({
      name: 'EXAMINE',
      qresync: {
        uidValidity: 67890007,
        modseq: 2005071519404500,
        knownUids: { kind: 'ranges' },
        sequenceMatch: { sequences: { kind: 'ranges' }, uids: { kind: 'ranges' } },
      },
    });
    expect(refusal('a SELECT INBOX (QRESYNC (0 1))')).toMatch(/UIDVALIDITY/);
  });

  it('parses basic and extended LIST, LSUB and STATUS', () => {
    expect(parseLine('a LIST "" %')).toMatchObject({ reference: '', patterns: ['%'], extended: false });
    expect(
      parseLine(
        'a LIST (SUBSCRIBED RECURSIVEMATCH) "" ("INBOX" "&ZTZO9nux-/*") RETURN (CHILDREN SPECIAL-USE STATUS (MESSAGES UNSEEN SIZE))',
      ),
    ).toMatchObject({
      name: 'LIST',
      patterns: ['INBOX', '收件箱/*'],
      selection: { subscribed: true, recursiveMatch: true, remote: false, specialUse: false },
      returns: {
        children: true,
        specialUse: true,
        subscribed: false,
        status: ['MESSAGES', 'UNSEEN', 'SIZE'],
      },
      extended: true,
    });
    expect(refusal('a LIST (RECURSIVEMATCH) "" *')).toMatch(/RECURSIVEMATCH needs/);
    expect(parseLine('a LSUB "" *')).toMatchObject({ name: 'LSUB', patterns: ['*'] });
    expect(parseLine('a STATUS Sent (MESSAGES UIDNEXT HIGHESTMODSEQ APPENDLIMIT)')).toMatchObject({
      items: ['MESSAGES', 'UIDNEXT', 'HIGHESTMODSEQ', 'APPENDLIMIT'],
    });
    expect(refusal('a STATUS Sent (COLOUR)')).toBe('STATUS: unknown status item "COLOUR"');
  });

  it('parses APPEND with flags, date, literal8, UTF8 and several messages', () => {
    const cmd = parseLine(
      'a APPEND Drafts (\\Seen \\Draft) "7-Feb-1994 21:52:25 -0800" {5+}\r\nhello ~{3+}\r\nb\0c UTF8 (~{2+}\r\nhi)',
    );
    if (cmd.name !== 'APPEND') throw new Error('not APPEND');
    expect(cmd.mailbox).toBe('Drafts');
    expect(cmd.messages).toHaveLength(3);
    expect(cmd.messages[0]).toMatchObject({ flags: ['\\Seen', '\\Draft'], utf8: false });
    expect(cmd.messages[0]?.date?.toISOString()).toBe('1994-02-08T05:52:25.000Z');
    expect(cmd.messages[1]?.data).toMatchObject({ kind: 'buffer', binary: true });
    expect(cmd.messages[2]).toMatchObject({ utf8: true, flags: [], date: null });
    expect(refusal('a APPEND INBOX "bad date" {1+}\r\nx')).toMatch(/invalid date-time/);
    expect(refusal('a APPEND INBOX (\\Seen)')).toMatch(/expected the message as a literal/);
  });
});

describe('parseCommand: session commands', () => {
  it('parses LOGIN, AUTHENTICATE with SASL-IR, ENABLE, ID, COMPRESS, quota', () => {
    expect(parseLine('a LOGIN {4+}\r\nfred "fat man"')).toEqual({
      name: 'LOGIN',
      username: 'fred',
      password: 'fat man',
    });
    expect(parseLine('a AUTHENTICATE PLAIN AGZyZWQAcGFzcw==')).toMatchObject({
      mechanism: 'PLAIN',
      initialResponse: Buffer.from('\0fred\0pass'),
    });
    expect(parseLine('a AUTHENTICATE PLAIN =')).toMatchObject({ initialResponse: Buffer.alloc(0) });
    expect(parseLine('a AUTHENTICATE login')).toMatchObject({ mechanism: 'LOGIN', initialResponse: null });
    expect(refusal('a AUTHENTICATE PLAIN abc')).toMatch(/not valid base64/);
    expect(parseLine('a ENABLE condstore UTF8=ACCEPT')).toEqual({
      name: 'ENABLE',
      capabilities: ['CONDSTORE', 'UTF8=ACCEPT'],
    });
    expect(parseLine('a ID ("name" "Foxmail" "version" "7.2" "vendor" NIL)')).toEqual({
      name: 'ID',
      params: [
        ['name', 'Foxmail'],
        ['version', '7.2'],
        ['vendor', null],
      ],
    });
    expect(parseLine('a ID NIL')).toEqual({ name: 'ID', params: null });
    expect(refusal(`a ID ("${'x'.repeat(31)}" "v")`)).toMatch(/at most 30 octets/);
    expect(parseLine('a COMPRESS deflate')).toEqual({ name: 'COMPRESS', algorithm: 'DEFLATE' });
    expect(parseLine('a SETQUOTA "" (STORAGE 512)')).toEqual({
      name: 'SETQUOTA',
      root: '',
      limits: [['STORAGE', 512]],
    });
    expect(parseLine('a GETQUOTAROOT INBOX')).toEqual({ name: 'GETQUOTAROOT', mailbox: 'INBOX' });
    expect(refusal('a NOOP extra')).toBe('NOOP: unexpected "extra" after the last argument');
  });
});
