import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Page } from '../types.js';

export interface CursorList<T> {
  items: T[];
  loading: boolean;
  error: unknown;
  /** There is another page (the server gave a `nextCursor`). */
  hasMore: boolean;
  loadMore: () => void;
  /** Starts again from the first page (after a change). */
  reload: () => void;
  /** Replaces or removes one loaded row without reloading (after an edit). */
  update: (match: (item: T) => boolean, next: T | null) => void;
}

/**
 * A cursor-paged list: loads the first page, then appends a page per
 * "Load more". `key` restarts it (a new search, another domain); answers
 * for an older key are dropped.
 */
export function useCursorList<T>(
  load: (cursor: string | null) => Promise<Page<T>>,
  key: string,
): CursorList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [round, setRound] = useState(0);
  const generation = useRef(0);
  const loader = useRef(load);
  loader.current = load;

  const fetchPage = useCallback((from: string | null, append: boolean) => {
    const mine = ++generation.current;
    setLoading(true);
    setError(null);
    loader.current(from).then(
      (page) => {
        if (mine !== generation.current) return;
        setItems((old) => (append ? [...old, ...page.items] : page.items));
        setCursor(page.nextCursor);
        setLoading(false);
      },
      (e) => {
        if (mine !== generation.current) return;
        setError(e);
        setLoading(false);
      },
    );
  }, []);

  useEffect(() => fetchPage(null, false), [key, round, fetchPage]);

  return {
    items,
    loading,
    error,
    hasMore: cursor !== null,
    loadMore: () => cursor && fetchPage(cursor, true),
    reload: () => setRound((n) => n + 1),
    update: (match, next) =>
      setItems((list) =>
        next === null ? list.filter((i) => !match(i)) : list.map((i) => (match(i) ? next : i)),
      ),
  };
}

/** Loads one thing (a tree, a record); `key` reloads it. */
export function useLoad<T>(load: () => Promise<T>, key: string) {
  const [state, setState] = useState<{ data: T | null; loading: boolean; error: unknown }>({
    data: null,
    loading: true,
    error: null,
  });
  const [round, setRound] = useState(0);
  const loader = useRef(load);
  loader.current = load;
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    loader.current().then(
      (data) => live && setState({ data, loading: false, error: null }),
      (error) => live && setState({ data: null, loading: false, error }),
    );
    return () => {
      live = false;
    };
  }, [key, round]);
  return { ...state, reload: () => setRound((n) => n + 1) };
}
