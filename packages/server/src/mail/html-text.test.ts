import { describe, expect, it } from 'vitest';
import { htmlToText } from './html-text.js';

const flat = (html: string) => htmlToText(html).replace(/\s+/g, ' ').trim();

describe('htmlToText', () => {
  it('drops markup, hidden elements and comments, and decodes entities', () => {
    expect(
      flat(
        '<!DOCTYPE html><html><head><title>T</title><style>p{color:red}</style></head><body><!-- hi --><script>x()</script><p>Caf&eacute; &amp; <b>bar</b>&nbsp;&#8217;s</p><td>a</td><td>b</td><br>c</body></html>',
      ),
    ).toBe('Café & bar ’s a b c');
  });

  it('keeps words whole across inline tags and splits them at block tags', () => {
    expect(flat('Hel<span>lo</span><div>world</div><P>again</P>')).toBe('Hello world again');
  });

  it('hides everything after an unclosed style block, and ends an unclosed head at <body>', () => {
    expect(flat('<p>before</p><style>.x{color:red}')).toBe('before');
    expect(flat('<html><head><title>x</title><body>Hello')).toBe('Hello');
  });

  it('drops a tag cut off at the end', () => {
    expect(flat('Hello <a href="https://exa')).toBe('Hello');
  });

  it('runs in linear time on unclosed tags', () => {
    const start = performance.now();
    for (const open of ['<p', '<style', '<!--', '<a ', '<head']) htmlToText(open.repeat(50_000));
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
