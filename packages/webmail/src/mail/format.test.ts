import { describe, expect, it } from 'vitest';
import { formatAddress, linkify, listDate, senderName } from './format.js';

describe('format', () => {
  it('shows time today, day and month this year, full date before', () => {
    const now = new Date(2026, 10, 29, 15, 0);
    expect(listDate(new Date(2026, 10, 29, 9, 5).toISOString(), now, 'en-GB')).toBe('09:05');
    expect(listDate(new Date(2026, 2, 4).toISOString(), now, 'en-GB')).toBe('4 Mar');
    expect(listDate(new Date(2024, 2, 4).toISOString(), now, 'en-GB')).toBe('4 Mar 2024');
    expect(listDate(null, now)).toBe('');
    expect(listDate('garbage', now)).toBe('');
  });

  it('names senders', () => {
    expect(senderName({ name: ' Zhang San ', address: 'z@x' }, '?')).toBe('Zhang San');
    expect(senderName({ name: '', address: 'z@x' }, '?')).toBe('z@x');
    expect(senderName({ name: '', address: '' }, '(unknown sender)')).toBe('(unknown sender)');
    expect(formatAddress({ name: 'Z', address: 'z@x' })).toBe('Z <z@x>');
  });

  it('links http(s) and mailto URLs in plain text, leaving sentence punctuation out', () => {
    expect(linkify('See https://example.com/a?b=1. Or mail mailto:x@example.com, thanks')).toEqual([
      { text: 'See ' },
      { text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { text: '. Or mail ' },
      { text: 'mailto:x@example.com', href: 'mailto:x@example.com' },
      { text: ', thanks' },
    ]);
    expect(linkify('javascript:alert(1) ftp://x')).toEqual([{ text: 'javascript:alert(1) ftp://x' }]);
  });
});
