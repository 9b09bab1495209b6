// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { withSignature } from './signature.js';

describe('withSignature', () => {
  const quote = '<blockquote><p>original</p></blockquote>';

  it('puts the formatted signature after an empty line and above the quote, with the "-- " separator', () => {
    const out = withSignature(
      { mode: 'rich', html: quote, text: '' },
      { text: 'Alice', html: '<p><b>Alice</b></p>' },
    );
    expect(out.html).toBe(`<p></p><p>-- </p><p><b>Alice</b></p>${quote}`);
  });

  it('uses the plain-text signature in plain text, and in rich text when there is no formatted one', () => {
    expect(
      withSignature({ mode: 'plain', html: '', text: '> hi' }, { text: 'Alice\nSales', html: '<b>x</b>' })
        .text,
    ).toBe('\n\n-- \nAlice\nSales\n\n> hi');
    expect(withSignature({ mode: 'rich', html: '', text: '' }, { text: 'A & B', html: '' }).html).toBe(
      '<p></p><p>-- </p><p>A &amp; B</p>',
    );
  });

  it('turns a formatted-only signature into text for a plain-text message', () => {
    expect(
      withSignature(
        { mode: 'plain', html: '', text: '' },
        { text: '', html: '<p>Alice</p><p>Sales<br>Beijing</p>' },
      ).text,
    ).toBe('\n\n-- \nAlice\nSales\nBeijing');
  });

  it('leaves the body alone without a signature', () => {
    const body = { mode: 'rich' as const, html: quote, text: '' };
    expect(withSignature(body, null)).toBe(body);
    expect(withSignature(body, { text: '  ', html: '' })).toBe(body);
  });
});
