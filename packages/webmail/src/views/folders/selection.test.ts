import { describe, expect, it } from 'vitest';
import { emptySelection, keepVisible, toggleAll, toggleRow } from './selection.js';

const order = ['a', 'b', 'c', 'd', 'e'];
const ids = (s: { ids: ReadonlySet<string> }) => [...s.ids].sort();

describe('selection', () => {
  it('ticks one row, then a shift-click range from the anchor in either direction', () => {
    let s = toggleRow(emptySelection, 'b', order, false);
    expect(ids(s)).toEqual(['b']);
    s = toggleRow(s, 'd', order, true);
    expect(ids(s)).toEqual(['b', 'c', 'd']);
    s = toggleRow(s, 'a', order, true);
    expect(ids(s)).toEqual(['a', 'b', 'c', 'd']);
    // Unticking with shift unticks the range back to the anchor.
    s = toggleRow(s, 'c', order, true);
    expect(ids(s)).toEqual(['d']);
  });

  it('a shift-click without an anchor ticks just that row', () => {
    expect(ids(toggleRow(emptySelection, 'c', order, true))).toEqual(['c']);
  });

  it('selects all, or none when all are selected; forgets rows that left', () => {
    const all = toggleAll(emptySelection, order);
    expect(ids(all)).toEqual(order);
    expect(ids(toggleAll(all, order))).toEqual([]);
    expect(ids(toggleAll(emptySelection, []))).toEqual([]);
    const kept = keepVisible({ ids: new Set(['a', 'z']), anchor: 'z' }, order);
    expect(kept).toEqual({ ids: new Set(['a']), anchor: null });
    const same = { ids: new Set(['a']), anchor: 'a' };
    expect(keepVisible(same, order)).toBe(same);
  });
});
