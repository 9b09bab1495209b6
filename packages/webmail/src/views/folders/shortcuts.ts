import { useEffect, useRef } from 'preact/hooks';
import { rowLinks } from '../message-list.js';
import { isTyping } from '../shell.js';

/** What the single-key shortcuts do; each gets the messages they apply to. */
export interface ShortcutHandlers {
  toggle: (id: string) => void;
  /** The selected messages, else the focused or open one. */
  targets: () => string[];
  delete: (ids: string[]) => void;
  move: (ids: string[]) => void;
  read: (ids: string[], read: boolean) => void;
  flag: (ids: string[]) => void;
  junk: (ids: string[]) => void;
  selectAll: () => void;
}

/** The row id of a focused row link, or null. */
export function focusedRowId(): string | null {
  const el = document.activeElement as HTMLElement | null;
  return el?.closest<HTMLElement>('.list .row')?.dataset.id ?? null;
}

/**
 * The list's keyboard shortcuts, listened for on the whole document so they
 * work from page load, before any row has focus: j/↓ and k/↑ move between
 * messages (the first press focuses the first or the open one), Enter opens,
 * x ticks, * ticks all, # or Delete deletes, v moves, i/u mark read/unread,
 * s flags, ! is junk. Keys typed in a field or a dialog are left alone.
 */
export function useListShortcuts(handlers: ShortcutHandlers): void {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || isTyping(e.target)) return;
      const h = ref.current;
      const links = rowLinks();
      const at = links.indexOf(
        document.activeElement?.closest?.('.row')?.querySelector('a.row__link') as HTMLAnchorElement,
      );
      const open = links.findIndex((l) => l.getAttribute('aria-current') === 'page');
      const inPage =
        at === -1 &&
        (document.activeElement === document.body ||
          document.activeElement === null ||
          !!(document.activeElement as HTMLElement).closest?.('.pane--list, .pane__head'));
      const move = (delta: number) => {
        if (links.length === 0) return;
        const from = at !== -1 ? at : open;
        const next =
          from === -1 ? 0 : Math.max(0, Math.min(links.length - 1, from + (at === -1 ? 0 : delta)));
        links[next]?.focus();
      };
      const act = (fn: (ids: string[]) => void) => {
        const ids = h.targets();
        if (ids.length) fn(ids);
      };
      switch (e.key) {
        case 'j':
        case 'ArrowDown':
          if (e.key === 'ArrowDown' && at === -1 && !inPage) return;
          move(1);
          break;
        case 'k':
        case 'ArrowUp':
          if (e.key === 'ArrowUp' && at === -1 && !inPage) return;
          move(-1);
          break;
        case 'Enter':
          if (at !== -1 || !inPage || links.length === 0) return;
          links[open === -1 ? 0 : open]?.click();
          break;
        case 'x': {
          const id = focusedRowId();
          if (!id) return;
          h.toggle(id);
          break;
        }
        case '*':
          h.selectAll();
          break;
        case '#':
        case 'Delete':
          act(h.delete);
          break;
        case 'v':
          act(h.move);
          break;
        case 'i':
          act((ids) => h.read(ids, true));
          break;
        case 'u':
          act((ids) => h.read(ids, false));
          break;
        case 's':
          act(h.flag);
          break;
        case '!':
          act(h.junk);
          break;
        default:
          return;
      }
      e.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}
