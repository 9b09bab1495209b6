import { describe, expect, it } from 'vitest';
import { frameDocument } from './frame.js';
import { classifyUrl, sanitizeMail } from './sanitize.js';

const cidUrl = (cid: string) => (cid === 'logo@x' ? '/api/v1/users/a%40x/messages/m1/attachments/1.2' : null);
const clean = (html: string, allowRemote = false) => sanitizeMail(html, { allowRemote, cidUrl });

/** The frame document as the browser will parse it. */
const asFrame = (html: string, allowRemote = false) =>
  new DOMParser().parseFromString(frameDocument(clean(html, allowRemote)), 'text/html');

// Classic XSS vectors and a few mail-specific ones (OWASP cheat sheet, DOMPurify's own tests).
const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<img src="https://t.example/p.gif" onload="alert(1)">',
  '<a href="javascript:alert(1)">x</a>',
  '<a href="  JaVaScRiPt:alert(1)">x</a>',
  '<svg><script>alert(1)</script></svg>',
  '<svg onload=alert(1)>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<iframe src="https://evil.example"></iframe>',
  '<object data="https://evil.example/x.swf"></object>',
  '<form action="https://evil.example"><input name=p></form>',
  '<meta http-equiv="refresh" content="0;url=https://evil.example">',
  '<base href="https://evil.example/">',
  '<link rel=stylesheet href="https://evil.example/x.css">',
  '<body onload=alert(1)>',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '<style>@import "https://evil.example/x.css";</style>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<style><style/><img src=x onerror=alert(1)></style>',
  '<video poster="https://t.example/p.gif"><source src="https://t.example/v.mp4"></video>',
];

describe('sanitizeMail', () => {
  it.each(HOSTILE)('leaves nothing that runs or loads from outside: %s', (html) => {
    const doc = asFrame(html);
    const forbidden =
      'script, iframe, object, embed, form, input, meta, base, link, video, source, svg, math';
    expect(doc.body.querySelectorAll(forbidden)).toHaveLength(0);
    expect(doc.head.querySelectorAll('script, base, link, meta:not([charset])')).toHaveLength(0);
    for (const el of doc.querySelectorAll('*')) {
      for (const attr of el.attributes) {
        expect(attr.name.startsWith('on'), `${el.tagName} ${attr.name}`).toBe(false);
        expect(attr.value).not.toMatch(/javascript:|evil\.example|t\.example/i);
      }
    }
    for (const style of doc.querySelectorAll('style')) expect(style.textContent).not.toMatch(/@import|evil/);
  });

  it('removes remote images, srcset, background attributes and CSS urls, and counts them', () => {
    const r = clean(`
      <img src="https://tracker.example/pixel.gif" alt="pixel">
      <img src="//cdn.example/a.png">
      <img srcset="https://cdn.example/a.png 1x, https://cdn.example/b.png 2x">
      <table background="http://cdn.example/bg.png"><tr><td style="background-image: url('https://cdn.example/c.png'); color: red">x</td></tr></table>
      <style>.h { background: url(https://cdn.example/d.png) } p { color: blue }</style>`);
    expect(r.blockedRemote).toBe(6);
    expect(r.body).not.toMatch(/cdn\.example|tracker\.example/);
    expect(r.styles).not.toContain('cdn.example');
    expect(r.styles).toContain('color: blue');
    expect(r.body).toContain('color: red');
    expect(r.body).toContain('data-jdmail-blocked');
    expect(r.body).toContain('alt="pixel"');
  });

  it('keeps remote images once the user allows them', () => {
    const r = clean(
      '<img src="https://cdn.example/a.png"><p style="background:url(https://cdn.example/b.png)">x</p>',
      true,
    );
    expect(r.blockedRemote).toBe(0);
    expect(r.body).toContain('src="https://cdn.example/a.png"');
    const p = new DOMParser().parseFromString(r.body, 'text/html').querySelector('p');
    expect(p?.getAttribute('style')).toBe('background:url("https://cdn.example/b.png")');
  });

  it('drops CSS that hides url( behind escapes, and image-set()', () => {
    const r = clean(
      '<p style="background: \\75 rl(https://cdn.example/x.png)">a</p><p style="background-image: image-set(\'https://cdn.example/y.png\' 1x)">b</p>',
    );
    expect(r.body).not.toContain('cdn.example');
    expect(r.blockedRemote).toBe(2);
  });

  it('maps cid: images to the attachment route and drops unknown ones and relative URLs', () => {
    const r = clean(
      '<img src="cid:logo@x"><img src="cid:missing@x"><img src="/api/v1/x"><img src="data:image/png;base64,iVBORw0KGgo=">',
    );
    expect(r.body).toContain('src="/api/v1/users/a%40x/messages/m1/attachments/1.2"');
    expect(r.body).not.toContain('cid:');
    expect(r.body).not.toContain('src="/api/v1/x"');
    expect(r.body).toContain('src="data:image/png;base64,iVBORw0KGgo="');
    expect(r.usedCids.sort()).toEqual(['logo@x', 'missing@x']);
    expect(r.blockedRemote).toBe(0);
  });

  it('opens links in a new tab without opener or referrer; relative links lose their href', () => {
    const doc = asFrame(
      '<a href="https://example.com/a" target="_top">a</a><a href="mailto:x@example.com">m</a><a href="/settings">r</a>',
    );
    const [a, m, r] = [...doc.querySelectorAll('a')];
    expect(a?.getAttribute('target')).toBe('_blank');
    expect(a?.getAttribute('rel')).toBe('noopener noreferrer');
    expect(m?.getAttribute('href')).toBe('mailto:x@example.com');
    expect(r?.hasAttribute('href')).toBe(false);
    expect(r?.hasAttribute('target')).toBe(false);
  });

  it('keeps the mail’s own head styles and body', () => {
    const r = clean(
      '<html><head><title>t</title><style>p { color: green }</style></head><body><p>Hello</p></body></html>',
    );
    expect(r.styles).toContain('color: green');
    expect(r.body).toBe('<p>Hello</p>');
  });
});

describe('classifyUrl', () => {
  it('sees through whitespace, control characters and case', () => {
    expect(classifyUrl(' HTTPS://x')).toBe('remote');
    expect(classifyUrl('ht\ntp://x')).toBe('remote');
    expect(classifyUrl('//x')).toBe('remote');
    expect(classifyUrl('CID:a')).toBe('cid');
    expect(classifyUrl('java\tscript:alert(1)')).toBe('other');
    expect(classifyUrl('img/a.png')).toBe('other');
  });
});
