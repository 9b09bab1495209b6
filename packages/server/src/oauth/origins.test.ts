import { domainToASCII } from 'node:url';
import { describe, expect, it } from 'vitest';
import { normalizeOrigin, parseAllowedOrigins, readAllowedOrigins } from './origins.js';

describe('allowed origins', () => {
  it('normalizes origins as browsers send them in Origin (RFC 6454 §6.2)', () => {
    expect(normalizeOrigin('https://Portal.Example.com')).toBe('https://portal.example.com');
    expect(normalizeOrigin('https://portal.example.com:443/')).toBe('https://portal.example.com');
    expect(normalizeOrigin('http://127.0.0.1:3001')).toBe('http://127.0.0.1:3001');
    // An IDN host is sent in its A-label form (punycode).
    expect(normalizeOrigin('https://门户.example')).toBe(`https://${domainToASCII('门户.example')}`);
    expect(domainToASCII('门户.example')).toMatch(/^xn--/);
  });

  it('refuses anything that is not one origin', () => {
    for (const bad of [
      '*',
      'https://*.example.com',
      'null',
      'https://portal.example.com/home',
      'https://portal.example.com?x=1',
      'https://user:pw@portal.example.com',
      'ftp://portal.example.com',
      'portal.example.com',
      'javascript:alert(1)',
    ])
      expect(normalizeOrigin(bad), bad).toBeNull();
  });

  it('names the bad entry, drops duplicates, and reads a damaged column as none', () => {
    expect(parseAllowedOrigins(['https://a.example', 'HTTPS://A.example/'])).toEqual(['https://a.example']);
    expect(() => parseAllowedOrigins(['https://a.example', '*'])).toThrow(/allowedOrigins\[1\]/);
    expect(() => parseAllowedOrigins(Array.from({ length: 21 }, (_, i) => `https://a${i}.example`))).toThrow(
      /at most 20/,
    );
    expect(readAllowedOrigins('not json')).toEqual([]);
    expect(readAllowedOrigins('["https://a.example", 3]')).toEqual(['https://a.example']);
  });
});
