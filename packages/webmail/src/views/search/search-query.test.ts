import { describe, expect, it } from 'vitest';
import type { SearchQuery } from '../../router.js';
import { dayStart, hasCriteria, searchParamsOf } from './search-query.js';

const base: SearchQuery = {
  q: '',
  mailbox: null,
  unread: false,
  flagged: false,
  hasAttachment: false,
  since: null,
  before: null,
  cursor: null,
};

describe('search query', () => {
  it('sends words and only the filters that are on', () => {
    expect(searchParamsOf({ ...base, q: ' 合同 ', flagged: true, mailbox: '项目' }, 25)).toEqual({
      q: '合同',
      mailbox: '项目',
      unread: undefined,
      flagged: true,
      hasAttachment: undefined,
      since: null,
      before: null,
      cursor: null,
      limit: 25,
    });
  });

  it('makes a day range inclusive of its last day, in local time', () => {
    const p = searchParamsOf({ ...base, since: '2026-03-01', before: '2026-03-31' }, 10);
    expect(p.since).toBe(new Date(2026, 2, 1).toISOString());
    expect(p.before).toBe(new Date(2026, 3, 1).toISOString());
    expect(dayStart('31/03/2026', 0)).toBeNull();
  });

  it('needs words or a filter', () => {
    expect(hasCriteria(base)).toBe(false);
    expect(hasCriteria({ ...base, q: '  ' })).toBe(false);
    expect(hasCriteria({ ...base, q: '合同' })).toBe(true);
    expect(hasCriteria({ ...base, hasAttachment: true })).toBe(true);
  });
});
