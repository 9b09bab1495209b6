/** The rows ticked in a list, and the last one clicked (the anchor of a shift-click range). */
export interface Selection {
  ids: ReadonlySet<string>;
  anchor: string | null;
}

export const emptySelection: Selection = { ids: new Set(), anchor: null };

/**
 * Ticks or unticks `id`. With `range` (shift-click), every row between the anchor and
 * `id` takes `id`'s new state, as in a file manager; `order` is the list as shown.
 */
export function toggleRow(
  current: Selection,
  id: string,
  order: readonly string[],
  range: boolean,
): Selection {
  const on = !current.ids.has(id);
  const ids = new Set(current.ids);
  const from = range && current.anchor !== null ? order.indexOf(current.anchor) : -1;
  const to = order.indexOf(id);
  if (from !== -1 && to !== -1) {
    const [lo, hi] = from < to ? [from, to] : [to, from];
    for (const rowId of order.slice(lo, hi + 1)) {
      if (on) ids.add(rowId);
      else ids.delete(rowId);
    }
  } else if (on) ids.add(id);
  else ids.delete(id);
  return { ids, anchor: id };
}

/** All rows of the page, or none when they all are ticked already. */
export function toggleAll(current: Selection, order: readonly string[]): Selection {
  const all = order.length > 0 && order.every((id) => current.ids.has(id));
  return { ids: all ? new Set() : new Set(order), anchor: null };
}

/** Keeps only rows still on the page (after a move, a delete or new mail). */
export function keepVisible(current: Selection, order: readonly string[]): Selection {
  const visible = new Set(order);
  const ids = new Set([...current.ids].filter((id) => visible.has(id)));
  if (ids.size === current.ids.size) return current;
  return { ids, anchor: current.anchor && visible.has(current.anchor) ? current.anchor : null };
}
