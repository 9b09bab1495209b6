import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Api } from '../api/client.js';
import { mailFailureText } from '../api/messages.js';
import type { MessageSummary, Session } from '../api/types.js';
import { hasNewer, inboxPath, newerPage, olderPage, type PageState } from '../mail/paging.js';
import { navigate, onLinkClick } from '../router.js';
import { useFocusOnChange } from './focus.js';
import { MessageList } from './message-list.js';
import { MessageView } from './message-view.js';

/** Messages per inbox page. */
export const PAGE_SIZE = 50;
/** Returning to the tab refreshes the inbox at most this often. */
const REFRESH_MS = 30_000;

interface Props {
  api: Api;
  session: Session;
  page: PageState;
  /** The open message, if any (two panes on wide screens; one at a time on a phone). */
  open: { id: string; images: boolean } | null;
  onUnreadCount: (n: number) => void;
}

interface ListState {
  items: MessageSummary[];
  nextCursor: string | null;
  loading: boolean;
  error: string | null;
}

/** The inbox: the list with paging beside (or, on a phone, instead of) the open message. */
export function Mailbox({ api, session, page, open, onUnreadCount }: Props) {
  const address = session.user.address;
  const [list, setList] = useState<ListState>({ items: [], nextCursor: null, loading: true, error: null });
  const seq = useRef(0);
  const lastLoad = useRef(0);
  const headingRef = useFocusOnChange<HTMLHeadingElement>(`inbox:${page.cursor ?? ''}`, open === null);

  const refreshCount = useCallback(
    () =>
      api.unreadCount(address).then(
        (c) => onUnreadCount(c.unread),
        () => {},
      ),
    [api, address, onUnreadCount],
  );

  const load = useCallback(
    async (quiet = false) => {
      const mine = ++seq.current;
      lastLoad.current = Date.now();
      if (!quiet) setList((l) => ({ ...l, loading: true, error: null }));
      try {
        const mailbox = page.junk ? await api.junkMailbox(address) : 'INBOX';
        const res = await api.listMessages(address, { cursor: page.cursor, limit: PAGE_SIZE, mailbox });
        if (mine === seq.current)
          setList({ items: res.items, nextCursor: res.nextCursor, loading: false, error: null });
      } catch (e) {
        if (mine === seq.current) setList((l) => ({ ...l, loading: false, error: mailFailureText(e) }));
      }
      void refreshCount();
    },
    [api, address, page.cursor, page.junk, refreshCount],
  );

  useEffect(() => {
    void load();
  }, [load]);

  // Back in the list after reading: fetch again quietly (another client may have changed things).
  const isReading = open !== null;
  const wasReading = useRef(isReading);
  useEffect(() => {
    if (wasReading.current && !isReading) void load(true);
    wasReading.current = isReading;
  }, [isReading, load]);

  // Fresh mail when the user comes back to the tab. No timer: background polling
  // would keep an unattended session alive past its idle timeout.
  useEffect(() => {
    const onReturn = () => {
      if (document.visibilityState !== 'visible' || Date.now() - lastLoad.current < REFRESH_MS) return;
      lastLoad.current = Date.now();
      void load(true);
    };
    document.addEventListener('visibilitychange', onReturn);
    window.addEventListener('focus', onReturn);
    return () => {
      document.removeEventListener('visibilitychange', onReturn);
      window.removeEventListener('focus', onReturn);
    };
  }, [load]);

  const onChanged = useCallback(
    (m: MessageSummary) => {
      setList((l) => ({ ...l, items: l.items.map((x) => (x.id === m.id ? { ...x, unread: m.unread } : x)) }));
      void refreshCount();
    },
    [refreshCount],
  );

  const backPath = inboxPath(page);
  const title = page.junk ? 'Junk' : 'Inbox';
  const otherPath = page.junk ? '/' : '/junk';
  const goOlder = () => {
    if (!list.nextCursor) return;
    const next = olderPage(page, list.nextCursor);
    navigate(inboxPath(next), { state: { trail: next.trail } });
  };
  const goNewer = () => {
    const prev = newerPage(page);
    navigate(inboxPath(prev), { state: { trail: prev.trail } });
  };

  return (
    <div class={`mailbox${open ? ' mailbox--reading' : ''}`}>
      <section class="pane pane--list" aria-labelledby="inbox-title">
        <div class="pane__head">
          <h1 id="inbox-title" tabIndex={-1} ref={headingRef}>
            {title}
          </h1>
          <a class="button button--quiet" href={otherPath} onClick={(e) => onLinkClick(e, otherPath)}>
            {page.junk ? 'Inbox' : 'Junk'}
          </a>
          <button
            type="button"
            class="button button--quiet"
            onClick={() => void load()}
            disabled={list.loading}
          >
            Refresh
          </button>
        </div>
        {list.error && (
          <p class="notice notice--error" role="alert">
            {list.error}
          </p>
        )}
        {list.loading && list.items.length === 0 && (
          <p class="pane__state" aria-busy="true">
            Loading messages…
          </p>
        )}
        {!list.loading && !list.error && list.items.length === 0 && (
          <p class="pane__state">
            {page.cursor ? 'No older messages.' : page.junk ? 'No junk.' : 'Your inbox is empty.'}
          </p>
        )}
        <MessageList items={list.items} currentId={open?.id ?? null} />
        {(hasNewer(page) || list.nextCursor) && (
          <nav class="pager" aria-label="Pages">
            <button type="button" class="button" onClick={goNewer} disabled={!hasNewer(page)}>
              <span aria-hidden="true">‹</span> Newer
            </button>
            <button type="button" class="button" onClick={goOlder} disabled={!list.nextCursor}>
              Older <span aria-hidden="true">›</span>
            </button>
          </nav>
        )}
      </section>
      <section class="pane pane--reader" aria-label="Message">
        {open ? (
          <MessageView
            key={open.id}
            api={api}
            address={address}
            id={open.id}
            images={open.images}
            backPath={backPath}
            backLabel={title}
            onChanged={onChanged}
            onMarkedUnread={() => navigate(backPath, { state: { trail: page.trail } })}
            onMoved={(id) => {
              setList((l) => ({ ...l, items: l.items.filter((x) => x.id !== id) }));
              navigate(backPath, { state: { trail: page.trail } });
            }}
          />
        ) : (
          <p class="reader__empty">Select a message to read it.</p>
        )}
      </section>
    </div>
  );
}
