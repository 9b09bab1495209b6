import { describe, expect, it } from 'vitest';
import { firstPage, hasNewer, inboxPath, newerPage, olderPage, pageFrom } from './paging.js';

describe('inbox paging', () => {
  it('walks older and back newer through the cursor trail', () => {
    const p2 = olderPage(firstPage, 'c2');
    const p3 = olderPage(p2, 'c3');
    expect(p3).toEqual({ cursor: 'c3', trail: [null, 'c2'] });
    expect(newerPage(p3)).toEqual(p2);
    expect(newerPage(p2)).toEqual(firstPage);
    expect(newerPage(firstPage)).toEqual(firstPage);
    expect(hasNewer(firstPage)).toBe(false);
    expect(hasNewer(p2)).toBe(true);
  });

  it('puts the cursor in the URL and restores the trail from history state', () => {
    expect(inboxPath(firstPage)).toBe('/');
    expect(inboxPath({ cursor: 'a/b+c', trail: [null] })).toBe('/?cursor=a%2Fb%2Bc');
    // The Junk list pages the same way, and its pages stay Junk's.
    const junk = { cursor: null, trail: [], junk: true };
    expect(inboxPath(junk)).toBe('/junk');
    expect(inboxPath(olderPage(junk, 'c1'))).toBe('/junk?cursor=c1');
    expect(inboxPath(newerPage(olderPage(junk, 'c1')))).toBe('/junk');
    expect(pageFrom('c1', null, true)).toEqual({ cursor: 'c1', trail: [null], junk: true });
    expect(pageFrom('c3', { trail: [null, 'c2'] })).toEqual({ cursor: 'c3', trail: [null, 'c2'] });
    // A shared link to page n without history: "Newer" goes to the first page.
    expect(pageFrom('c3', null)).toEqual({ cursor: 'c3', trail: [null] });
    expect(pageFrom('c3', { trail: [1, 2] })).toEqual({ cursor: 'c3', trail: [null] });
    expect(pageFrom(null, { trail: ['x'] })).toEqual(firstPage);
    // Any folder pages the same way under /f/<name>, its name encoded as one segment.
    const folder = pageFrom(null, null, false, '项目/2026');
    expect(inboxPath(folder)).toBe('/f/%E9%A1%B9%E7%9B%AE%2F2026');
    expect(inboxPath(olderPage(folder, 'c1'))).toBe('/f/%E9%A1%B9%E7%9B%AE%2F2026?cursor=c1');
    expect(newerPage(olderPage(folder, 'c1'))).toEqual(folder);
  });
});
