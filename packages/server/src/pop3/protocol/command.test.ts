import { describe, expect, it } from 'vitest';
import { parseCommand, parseLineCount, parseMessageNumber } from './command.js';
import { err, multiLine, ok } from './response.js';
import { decodePlain } from './sasl-plain.js';

describe('parseCommand', () => {
  it('upper-cases the keyword and splits the arguments; PASS keeps spaces in its rest', () => {
    expect(parseCommand('retr 1')).toEqual({ verb: 'RETR', args: ['1'], rest: '1' });
    expect(parseCommand('TOP  2\t10')).toMatchObject({ verb: 'TOP', args: ['2', '10'] });
    expect(parseCommand('PASS two words ')).toMatchObject({ verb: 'PASS', rest: 'two words ' });
    expect(parseCommand('CAPA')).toEqual({ verb: 'CAPA', args: [], rest: '' });
  });

  it('refuses empty lines, keywords that are not 3-4 letters, and control characters (NUL …)', () => {
    expect(parseCommand('')).toEqual({ error: 'empty' });
    expect(parseCommand('   ')).toEqual({ error: 'empty' });
    expect(parseCommand('GET / HTTP/1.1')).toMatchObject({ verb: 'GET' }); // a keyword; the session knows no GET
    expect(parseCommand('/index.html')).toEqual({ error: 'bad-keyword' });
    expect(parseCommand('STATS')).toEqual({ error: 'bad-keyword' });
    expect(parseCommand('R3TR 1')).toEqual({ error: 'bad-keyword' });
    expect(parseCommand('USER a\0b')).toEqual({ error: 'bad-characters' });
    expect(parseCommand('NOOP\r')).toEqual({ error: 'bad-characters' });
    expect(parseCommand('\x1b[2J')).toEqual({ error: 'bad-characters' });
  });

  it('reads message numbers and line counts strictly', () => {
    expect(['1', '42', '999999999'].map(parseMessageNumber)).toEqual([1, 42, 999999999]);
    expect(['0', '01', '-1', '1e3', '0x10', '1000000000', '', undefined].map(parseMessageNumber)).toEqual(
      Array(8).fill(null),
    );
    expect(['0', '10'].map(parseLineCount)).toEqual([0, 10]);
    expect(['-1', 'x', undefined].map(parseLineCount)).toEqual([null, null, null]);
  });
});

describe('responses', () => {
  it('keeps a status on one line and puts the code in brackets', () => {
    expect(ok('2 messages')).toBe('+OK 2 messages\r\n');
    expect(err('bad\r\ninjected', 'AUTH')).toBe('-ERR [AUTH] bad  injected\r\n');
    expect(multiLine('caps', ['TOP', '.hidden'])).toBe('+OK caps\r\nTOP\r\n..hidden\r\n.\r\n');
  });
});

describe('decodePlain (RFC 4616)', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  it('decodes the three fields, UTF-8 included', () => {
    expect(decodePlain(b64('\0alice@example.com\0密码 with space'))).toEqual({
      authzid: '',
      authcid: 'alice@example.com',
      password: '密码 with space',
    });
  });
  it('refuses what is not base64 of exactly three fields with an identity and a password', () => {
    for (const bad of [
      '=',
      '*',
      'not base64!',
      b64('alice\0pw'),
      b64('\0\0pw'),
      b64('\0a\0'),
      b64('a\0b\0c\0d'),
    ])
      expect(decodePlain(bad)).toBeNull();
  });
});
