import { describe, expect, it } from 'vitest';
import { authorsOf } from './authors.js';

const msg = (header: string, body = 'body\r\n') => Buffer.from(`${header}\r\n\r\n${body}`, 'utf8');
const fields = (header: string) => authorsOf(msg(header), true).fields;

describe('authorsOf', () => {
  it('reads the From and Sender mailboxes in canonical form', () => {
    expect(fields('Subject: x\r\nFrom: "Alice" <Alice@Example.COM>')).toEqual([
      { field: 'From', addresses: ['alice@example.com'] },
    ]);
    expect(fields('From: boss@example.com\r\nSender: "Assistant" <pa@example.com>')).toEqual([
      { field: 'From', addresses: ['boss@example.com'] },
      { field: 'Sender', addresses: ['pa@example.com'] },
    ]);
    // Internationalized domains compare as their A-label, whichever form the header uses.
    expect(fields('From: wang@例子.中国')).toEqual([
      { field: 'From', addresses: ['wang@xn--fsqu00a.xn--fiqs8s'] },
    ]);
  });

  it('sees every address a reader would be shown', () => {
    // Several mailboxes, several From headers, folded lines, groups.
    expect(fields('From: a@example.com,\r\n  ceo@example.com\r\nFrom: other@example.com')).toEqual([
      { field: 'From', addresses: ['a@example.com', 'ceo@example.com'] },
      { field: 'From', addresses: ['other@example.com'] },
    ]);
    expect(fields('From: Team: a@example.com, ceo@example.com;')[0]?.addresses).toEqual([
      'a@example.com',
      'ceo@example.com',
    ]);
    // An address hidden in an encoded word is the address mail clients show; an encoded word
    // alone is only a name, however much it looks like an address.
    const hidden = Buffer.from('ceo@example.com').toString('base64');
    expect(fields('From: CEO <=?utf-8?Q?ceo=40example.com?=>')[0]?.addresses).toEqual(['ceo@example.com']);
    expect(fields(`From: =?utf-8?B?${hidden}?=`)[0]?.addresses).toEqual([]);
    // A display name that looks like an address is only a name: the mailbox is what counts.
    expect(fields('From: "ceo@example.com" <bob@example.com>')[0]?.addresses).toEqual(['bob@example.com']);
  });

  it('gives a From header without an address an empty list', () => {
    expect(fields('From: The CEO')).toEqual([{ field: 'From', addresses: [] }]);
    expect(fields('From: ')).toEqual([{ field: 'From', addresses: [] }]);
    expect(fields('Subject: no author')).toEqual([]);
  });

  it('says when the header section does not end in the bytes it was given', () => {
    const cut = Buffer.from(`From: a@example.com\r\nX-Pad: ${'x'.repeat(100)}`);
    expect(authorsOf(cut, false).complete).toBe(false);
    expect(authorsOf(cut, true).complete).toBe(true); // a message that is all header
    expect(authorsOf(msg('From: a@example.com'), false).complete).toBe(true);
  });
});
