import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { mailFailureText, type Text, textOf } from '../../api/messages.js';
import type { MessageSummary } from '../../api/types.js';
import { useI18n } from '../../i18n/index.js';
import { navigate, type SearchQuery, searchPath, useRoute } from '../../router.js';
import { useFocusOnChange } from '../focus.js';
import { useFolderLabel } from '../folders/labels.js';
import { useListControls } from '../folders/list-controls.js';
import { buildFolders, flatten } from '../folders/tree.js';
import { useMail } from '../mail-context.js';
import { MessageList } from '../message-list.js';
import { MessageView } from '../message-view.js';
import { Pager } from '../pager.js';
import { hasCriteria, searchParamsOf } from './search-query.js';
import './search.css';

/** Hits per page. */
export const SEARCH_PAGE_SIZE = 50;

interface Results {
  items: MessageSummary[];
  nextCursor: string | null;
  loading: boolean;
  error: Text | null;
}

/** The filters: words, folder, unread, flagged, attachment, dates; submitting changes the URL. */
function SearchForm({ query }: { query: SearchQuery }) {
  const { t } = useI18n();
  const label = useFolderLabel();
  const { folders } = useMail();
  const form = useRef<HTMLFormElement>(null);
  const set = folders ? buildFolders(folders) : null;
  const submit = (e: Event) => {
    e.preventDefault();
    const f = new FormData(form.current ?? undefined);
    const get = (name: string) => String(f.get(name) ?? '');
    navigate(
      searchPath({
        q: get('q'),
        mailbox: get('mailbox') || null,
        unread: f.has('unread'),
        flagged: f.has('flagged'),
        hasAttachment: f.has('attachment'),
        since: get('since') || null,
        before: get('before') || null,
      }),
    );
  };
  return (
    <form ref={form} class="search-form" onSubmit={submit} key={searchPath(query)}>
      <div class="search-form__row">
        <label class="sr-only" for="search-q">
          {t('mail.search.label')}
        </label>
        <input
          id="search-q"
          name="q"
          type="search"
          // Uncontrolled like the filters: a re-render (new mail refreshing the folders) must not
          // put back the URL's words over what the user is typing.
          defaultValue={query.q}
          placeholder={t('mail.search.placeholder')}
        />
        <button type="submit" class="button button--primary">
          {t('mail.search.submit')}
        </button>
      </div>
      <fieldset class="search-form__filters">
        <legend class="sr-only">{t('mail.search.filters')}</legend>
        <label>
          {t('mail.search.folder')}{' '}
          <select name="mailbox" defaultValue={query.mailbox ?? ''}>
            <option value="">{t('mail.search.allFolders')}</option>
            {set?.standard.map((s) => (
              <option key={s.mailbox.name} value={s.mailbox.name}>
                {label(s.mailbox)}
              </option>
            ))}
            {set &&
              flatten(set.own).map((n) => (
                <option key={n.mailbox.name} value={n.mailbox.name}>
                  {n.mailbox.name}
                </option>
              ))}
          </select>
        </label>
        <label class="check">
          <input type="checkbox" name="unread" defaultChecked={query.unread} /> {t('mail.search.unread')}
        </label>
        <label class="check">
          <input type="checkbox" name="flagged" defaultChecked={query.flagged} /> {t('mail.search.flagged')}
        </label>
        <label class="check">
          <input type="checkbox" name="attachment" defaultChecked={query.hasAttachment} />{' '}
          {t('mail.search.attachment')}
        </label>
        <label>
          {t('mail.search.since')} <input type="date" name="since" defaultValue={query.since ?? ''} />
        </label>
        <label>
          {t('mail.search.before')} <input type="date" name="before" defaultValue={query.before ?? ''} />
        </label>
      </fieldset>
    </form>
  );
}

/** Search results over all folders (or one), each hit with its folder, paginated by the API's cursor. */
export function SearchPage({
  query,
  open,
}: {
  query: SearchQuery;
  open: { id: string; images: boolean } | null;
}) {
  const { t } = useI18n();
  const label = useFolderLabel();
  const { api, address, folders, version, changed } = useMail();
  const { state } = useRoute();
  const [results, setResults] = useState<Results>({
    items: [],
    nextCursor: null,
    loading: true,
    error: null,
  });
  const seq = useRef(0);
  const key = searchPath(query);
  const headingRef = useFocusOnChange<HTMLHeadingElement>(`search:${key}`, open === null);
  const controls = useListControls(results.items, null, open?.id ?? null);
  const trail = ((state as { trail?: unknown } | null)?.trail as (string | null)[] | undefined) ?? [];

  const load = useCallback(
    async (quiet = false) => {
      const mine = ++seq.current;
      if (!hasCriteria(query)) {
        setResults({ items: [], nextCursor: null, loading: false, error: null });
        return;
      }
      if (!quiet) setResults((r) => ({ ...r, loading: true, error: null }));
      try {
        const res = await api.search(address, searchParamsOf(query, SEARCH_PAGE_SIZE));
        if (mine === seq.current)
          setResults({ items: res.items, nextCursor: res.nextCursor, loading: false, error: null });
      } catch (e) {
        if (mine === seq.current) setResults((r) => ({ ...r, loading: false, error: mailFailureText(e) }));
      }
    },
    [api, address, key],
  );
  useEffect(() => {
    void load();
  }, [load]);
  const firstVersion = useRef(version);
  useEffect(() => {
    if (version !== firstVersion.current) void load(true);
  }, [version]);
  useEffect(() => {
    if (!open) document.title = t('common.title', { title: t('mail.search.title') });
  }, [open, t]);

  const folderLabel = (name: string) => {
    const m = folders?.find((f) => f.name === name);
    return label(m ?? { name, specialUse: null }, true);
  };
  const older = () =>
    results.nextCursor &&
    navigate(searchPath({ ...query, cursor: results.nextCursor }), {
      state: { trail: [...trail, query.cursor] },
    });
  const newer = () =>
    navigate(searchPath({ ...query, cursor: trail[trail.length - 1] ?? null }), {
      state: { trail: trail.slice(0, -1) },
    });

  return (
    <div class={`mailbox${open ? ' mailbox--reading' : ''}`}>
      <section class="pane pane--list" aria-labelledby="search-title">
        <div class="pane__head">
          {controls.selectAll}
          <h1 id="search-title" tabIndex={-1} ref={headingRef}>
            {query.q.trim() ? t('mail.search.resultsFor', { q: query.q.trim() }) : t('mail.search.title')}
          </h1>
        </div>
        <SearchForm query={query} />
        {controls.toolbar}
        {results.error && (
          <p class="notice notice--error" role="alert">
            {textOf(t, results.error)}
          </p>
        )}
        {results.loading && results.items.length === 0 && (
          <p class="pane__state" aria-busy="true">
            {t('mail.search.searching')}
          </p>
        )}
        {!results.loading && !results.error && results.items.length === 0 && (
          <p class="pane__state" role="status">
            {hasCriteria(query) ? t('mail.search.none') : t('mail.search.hint')}
          </p>
        )}
        <MessageList
          items={results.items}
          currentId={open?.id ?? null}
          selection={controls.selection}
          onToggle={controls.onToggle}
          folderLabel={folderLabel}
        />
        <Pager newer={query.cursor ? newer : null} older={results.nextCursor ? older : null} />
      </section>
      <section class="pane pane--reader" aria-label={t('mail.reader.label')}>
        {open ? (
          <MessageView
            key={open.id}
            api={api}
            address={address}
            id={open.id}
            images={open.images}
            backPath={key}
            backLabel={t('mail.search.title')}
            onChanged={() => changed()}
            onMarkedUnread={() => navigate(key)}
            onMoved={() => {
              changed();
              navigate(key);
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
