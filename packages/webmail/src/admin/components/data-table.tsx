import type { ComponentChildren } from 'preact';
import { useI18n } from '../../i18n/index.js';
import { Empty, ErrorState, Loading } from './states.js';
import type { CursorList } from './use-list.js';

export interface Column<T> {
  /** Stable id (also the cell's data-col, for tests and CSS). */
  id: string;
  header: string;
  cell: (row: T) => ComponentChildren;
  /** Right-aligned numbers, or the actions column. */
  align?: 'end';
}

interface Props<T> {
  /** Names the table for screen readers (visually hidden). */
  caption: string;
  columns: Column<T>[];
  list: Pick<CursorList<T>, 'items' | 'loading' | 'error' | 'hasMore' | 'loadMore' | 'reload'>;
  rowKey: (row: T) => string;
  emptyText: string;
}

/**
 * A table of a cursor-paged list: loading, error (with retry) and empty
 * states, and a "Load more" button while the server has more. On a phone the
 * rows become cards (CSS), each cell labelled by its column header.
 */
export function DataTable<T>({ caption, columns, list, rowKey, emptyText }: Props<T>) {
  const { t } = useI18n();
  if (list.error && list.items.length === 0) return <ErrorState error={list.error} onRetry={list.reload} />;
  if (list.loading && list.items.length === 0) return <Loading />;
  if (list.items.length === 0) return <Empty text={emptyText} />;
  return (
    <div class="console-table-wrap">
      <table class="console-table">
        <caption class="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.id} scope="col" class={c.align === 'end' ? 'num' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {list.items.map((row) => (
            <tr key={rowKey(row)} data-key={rowKey(row)}>
              {columns.map((c) => (
                <td
                  key={c.id}
                  data-col={c.id}
                  data-label={c.header}
                  class={c.align === 'end' ? 'num' : undefined}
                >
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {list.error ? <ErrorState error={list.error} onRetry={list.loadMore} /> : null}
      {list.hasMore && (
        <p class="console-more">
          <button
            type="button"
            class="button"
            onClick={list.loadMore}
            disabled={list.loading}
            aria-busy={list.loading}
          >
            {list.loading ? t('common.loading') : t('console.loadMore')}
          </button>
        </p>
      )}
    </div>
  );
}
