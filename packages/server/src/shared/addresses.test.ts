import { describe, expect, it } from 'vitest';
import { normalizeAddress, normalizeDomain, splitAddress } from './addresses.js';

describe('normalizeDomain', () => {
  it.each([
    ['Example.COM', 'example.com'],
    [' example.com. ', 'example.com'],
    ['例子.中国', 'xn--fsqu00a.xn--fiqs8s'],
    // UTS #46 maps the ideographic full stop that Chinese input methods type to a dot.
    ['例子。中国', 'xn--fsqu00a.xn--fiqs8s'],
    ['XN--FSQU00A.xn--fiqs8s', 'xn--fsqu00a.xn--fiqs8s'],
    ['Bücher.example', 'xn--bcher-kva.example'],
    // Nontransitional processing (IDNA2008): ß stays ß.
    ['faß.de', 'xn--fa-hia.de'],
  ])('%s → %s', (input, canonical) => {
    expect(normalizeDomain(input)).toBe(canonical);
  });

  it('leaves a name IDNA refuses as it was (lower-cased), for validation to refuse by name', () => {
    expect(normalizeDomain('XN--ZZ.example')).toBe('xn--zz.example');
    expect(normalizeDomain('ex ample.中国')).toBe('ex ample.中国');
  });
});

describe('normalizeAddress', () => {
  it.each([
    [' Alice@Example.COM ', 'alice@example.com'],
    ['Wang@例子.中国', 'wang@xn--fsqu00a.xn--fiqs8s'],
    ['"alice"@example.com', 'alice@example.com'],
    ['"Alice.Smith"@example.com', 'alice.smith@example.com'],
    ['"al\\ice"@example.com', 'alice@example.com'],
    // Quotes that are needed stay: a different mailbox, which validation refuses.
    ['"alice smith"@example.com', '"alice smith"@example.com'],
    ['"a@b"@example.com', '"a@b"@example.com'],
    ['".alice"@example.com', '".alice"@example.com'],
    ['Postmaster', 'postmaster'],
  ])('%s → %s', (input, canonical) => {
    expect(normalizeAddress(input)).toBe(canonical);
  });
});

describe('splitAddress', () => {
  it('splits at the last @ and refuses an empty part', () => {
    expect(splitAddress('"a@b"@example.com')).toEqual({ local: '"a@b"', domain: 'example.com' });
    expect(splitAddress('alice')).toBeUndefined();
    expect(splitAddress('@example.com')).toBeUndefined();
    expect(splitAddress('alice@')).toBeUndefined();
  });
});
