import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { mailFailureText, type Text, textOf } from '../api/messages.js';
import type { MessageSummary } from '../api/types.js';
import { useI18n } from '../i18n/index.js';
import { hasNewer, inboxPath, newerPage, olderPage, type PageState } from '../mail/paging.js';
import { navigate } from '../router.js';
import { useFocusOnChange } from './focus.js';
import { useKindOf } from './folders/actions.js';
import { useFolderLabel } from './folders/labels.js';
import { useListControls } from './folders/list-controls.js';
import { folderOf } from './folders/tree.js';
import { useMail } from './mail-context.js';
import { MessageList } from './message-list.js';
import { MessageView } from './message-view.js';
import { Pager } from './pager.js';

/** Messages per page. */
export const PAGE_SIZE = 50;

interface Props {
  page: PageState;
  /** The open message, if any (two panes on wide screens; one at a time on a phone). */
  open: { id: string; images: boolean } | null;
}

interface ListState {
  items: MessageSummary[];
  nextCursor: string | null;
  loading: boolean;
  error: Text | null;
}

/** The mailbox a page lists: a named folder, Junk (by special use), or INBOX. */
function useMailboxName(page: PageState): string | null {
  const { api, address, folders } = useMail();
  const [junk, setJunk] = useState<string | null>(null);
  useEffect(() => {
    if (page.junk && !folders) api.junkMailbox(address).then(setJunk, () => setJunk('Junk'));
  }, [page.junk, folders, api, address]);
  if (page.mailbox !== undefined) return page.mailbox;
  if (!page.junk) return 'INBOX';
  return (folders && folderOf(folders, 'junk')) ?? junk;
}

/** A folder's list with paging, bulk actions and shortcuts, beside (or, on a phone, instead of) the open message. */
export function Mailbox({ page, open }: Props) {
  const { t } = useI18n();
  const { api, address, folders, version, changed } = useMail();
  const kindOf = useKindOf();
  const label = useFolderLabel();
  const name = useMailboxName(page);
  const [list, setList] = useState<ListState>({ items: [], nextCursor: null, loading: true, error: null });
  const seq = useRef(0);
  const headingRef = useFocusOnChange<HTMLHeadingElement>(`list:${name}:${page.cursor ?? ''}`, open === null);
  const kind = name ? kindOf(name) : null;
  const mailbox = folders?.find((f) => f.name === name);
  const title = name ? label(mailbox ?? { name, specialUse: null }, true) : '';
  const controls = useListControls(list.items, kind, open?.id ?? null);

  const load = useCallback(
    async (quiet = false) => {
      if (!name) return;
      const mine = ++seq.current;
      if (!quiet) setList((l) => ({ ...l, loading: true, error: null }));
      try {
        const res = await api.listMessages(address, { cursor: page.cursor, limit: PAGE_SIZE, mailbox: name });
        if (mine === seq.current)
          setList({ items: res.items, nextCursor: res.nextCursor, loading: false, error: null });
      } catch (e) {
        if (mine === seq.current) setList((l) => ({ ...l, loading: false, error: mailFailureText(e) }));
      }
    },
    [api, address, page.cursor, name],
  );

  useEffect(() => {
    void load();
  }, [load]);

  // Mail changed (a live event, or an action here): fetch again quietly.
  const firstVersion = useRef(version);
  useEffect(() => {
    if (version !== firstVersion.current) void load(true);
  }, [version]);

  // Back in the list after reading: fetch again quietly.
  const isReading = open !== null;
  const wasReading = useRef(isReading);
  useEffect(() => {
    if (wasReading.current && !isReading) void load(true);
    wasReading.current = isReading;
  }, [isReading, load]);

  useEffect(() => {
    if (open || !title) return;
    const unread = folders?.find((f) => f.name.toUpperCase() === 'INBOX')?.unread ?? 0;
    document.title = unread ? t('common.titleUnread', { n: unread, title }) : t('common.title', { title });
  }, [open, title, folders, t]);

  const onChanged = useCallback(
    (m: MessageSummary) => {
      setList((l) => ({ ...l, items: l.items.map((x) => (x.id === m.id ? { ...x, unread: m.unread } : x)) }));
      changed();
    },
    [changed],
  );

  const backPath = inboxPath(page);
  const goOlder = () => {
    if (!list.nextCursor) return;
    const next = olderPage(page, list.nextCursor);
    navigate(inboxPath(next), { state: { trail: next.trail } });
  };
  const goNewer = () => {
    const prev = newerPage(page);
    navigate(inboxPath(prev), { state: { trail: prev.trail } });
  };
  const emptyText = page.cursor
    ? t('mail.list.noOlder')
    : kind === 'inbox'
      ? t('mail.list.emptyInbox')
      : kind === 'junk'
        ? t('mail.list.emptyJunk')
        : t('mail.list.emptyFolder');

  return (
    <div class={`mailbox${open ? ' mailbox--reading' : ''}`}>
      <section class="pane pane--list" aria-labelledby="inbox-title">
        <div class="pane__head">
          {controls.selectAll}
          <h1 id="inbox-title" tabIndex={-1} ref={headingRef}>
            {title}
          </h1>
          <span class="pane__actions">
            {name && controls.emptyButton(name)}
            <button
              type="button"
              class="button button--quiet"
              onClick={() => void load()}
              disabled={list.loading}
            >
              {t('mail.list.refresh')}
            </button>
          </span>
        </div>
        {controls.toolbar}
        {list.error && (
          <p class="notice notice--error" role="alert">
            {textOf(t, list.error)}
          </p>
        )}
        {list.loading && list.items.length === 0 && (
          <p class="pane__state" aria-busy="true">
            {t('mail.list.loading')}
          </p>
        )}
        {!list.loading && !list.error && list.items.length === 0 && <p class="pane__state">{emptyText}</p>}
        <MessageList
          items={list.items}
          currentId={open?.id ?? null}
          selection={controls.selection}
          onToggle={controls.onToggle}
        />
        <Pager newer={hasNewer(page) ? goNewer : null} older={list.nextCursor ? goOlder : null} />
      </section>
      <section class="pane pane--reader" aria-label={t('mail.reader.label')}>
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
              changed();
              navigate(backPath, { state: { trail: page.trail } });
            }}
          />
        ) : (
          <p class="reader__empty">{t('mail.reader.empty')}</p>
        )}
      </section>
      {controls.dialogs}
    </div>
  );
}
