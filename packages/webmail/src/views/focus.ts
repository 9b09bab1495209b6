import type { RefObject } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/**
 * Moves focus to a view's heading when the view (identified by `key`)
 * appears, so keyboard and screen-reader users land at the start of the new
 * content after an in-app navigation. The heading needs `tabIndex={-1}`.
 */
export function useFocusOnChange<T extends HTMLElement>(key: string, enabled = true): RefObject<T> {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (enabled) ref.current?.focus({ preventScroll: false });
  }, [key, enabled]);
  return ref;
}
