import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Api } from '../api/client.js';
import { mailFailureText, textOf } from '../api/messages.js';
import type { Mailbox, Session } from '../api/types.js';
import { useI18n } from '../i18n/index.js';
import { navigate, searchPath, settingsPath } from '../router.js';
import { runBatch } from './folders/bulk.js';
import { FolderSidebar } from './folders/sidebar.js';
import { folderOf } from './folders/tree.js';
import { LanguageSwitcher } from './language.js';
import { useAnnounce } from './live.js';
import { followMailEvents } from './live-updates.js';
import { MailContext, type MailState } from './mail-context.js';
import './shell.css';

interface Props {
  api: Api;
  session: Session;
  onLogout: () => void;
  children: ComponentChildren;
}

/** Typing in a field, or in a dialog: single-key shortcuts stay out of the way. */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el?.tagName) return false;
  if (el.isContentEditable || el.closest?.('dialog')) return true;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  return tag === 'INPUT' && (el as HTMLInputElement).type !== 'checkbox';
}

function TopBar({
  api,
  session,
  unread,
  onLogout,
  onMenu,
  menuOpen,
  searchRef,
}: {
  api: Api;
  session: Session;
  unread: number | null;
  onLogout: () => void;
  onMenu: () => void;
  menuOpen: boolean;
  searchRef: preact.RefObject<HTMLInputElement>;
}) {
  const { t } = useI18n();
  const { displayName, address } = session.user;
  const submit = (e: Event) => {
    e.preventDefault();
    const q = searchRef.current?.value.trim() ?? '';
    if (q) navigate(searchPath({ q }));
  };
  return (
    <header class="topbar">
      <a class="skip" href="#main">
        {t('common.skipToContent')}
      </a>
      <button
        type="button"
        class="button button--quiet topbar__menu"
        aria-expanded={menuOpen}
        aria-controls="folders"
        onClick={onMenu}
      >
        <span aria-hidden="true">☰</span>
        <span class="sr-only">{t('common.menu')}</span>
      </button>
      <span class="brand">
        <span class="brand__mark" aria-hidden="true" />
        {t('common.appName')}
      </span>
      {/* biome-ignore lint/a11y/useSemanticElements: <search> is not in Preact's JSX types; role=search is the same landmark */}
      <form class="topbar__search" role="search" onSubmit={submit}>
        <label class="sr-only" for="search-box">
          {t('mail.search.label')}
        </label>
        <input
          ref={searchRef}
          id="search-box"
          type="search"
          placeholder={t('mail.search.placeholder')}
          aria-keyshortcuts="/"
          enterKeyHint="search"
        />
      </form>
      <span class="topbar__inbox" aria-live="polite">
        {unread !== null && (
          <span class="badge" data-testid="unread-count">
            {t('mail.unreadBadge', { n: unread })}
          </span>
        )}
      </span>
      <LanguageSwitcher
        onChosen={(language) =>
          // Best effort: the choice already holds in this browser; Settings → Profile says if saving fails.
          void api.updateSettings(address, { language }).catch(() => undefined)
        }
      />
      <span class="topbar__user" title={address}>
        {displayName || address}
      </span>
      <a class="button button--quiet topbar__settings" href={settingsPath()}>
        <span aria-hidden="true" class="topbar__settings-icon">
          ⚙
        </span>
        <span class="topbar__settings-text">{t('settings.title')}</span>
      </a>
      <button type="button" class="button button--quiet" onClick={onLogout}>
        {t('common.signOut')}
      </button>
    </header>
  );
}

/**
 * The signed-in layout every screen sits in: the top bar (search, language,
 * sign out), the folder sidebar (a drawer on phones) and the screen itself.
 * It owns the folder list and follows live mail events, so every screen's
 * counts and lists stay current without a reload.
 */
export function Shell({ api, session, onLogout, children }: Props) {
  const { t } = useI18n();
  const announce = useAnnounce();
  const address = session.user.address;
  const [folders, setFolders] = useState<Mailbox[] | null>(null);
  const [version, setVersion] = useState(0);
  const [drawer, setDrawer] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);

  const refreshFolders = useCallback(
    () =>
      api.listMailboxes(address).then(
        (list) => setFolders(list),
        () => {},
      ),
    [api, address],
  );
  useEffect(() => {
    void refreshFolders();
  }, [refreshFolders]);

  const changed = useCallback(() => {
    void refreshFolders();
    setVersion((v) => v + 1);
  }, [refreshFolders]);

  useEffect(() => followMailEvents({ onChange: changed }), [changed]);

  const moveTo = useCallback(
    async (ids: string[], mailbox: string) => {
      const { failed } = await runBatch(api, address, ids, 'move', mailbox);
      changed();
      if (failed.length) announce(textOf(t, mailFailureText(failed[0])));
      else announce(t('mail.moved', { n: ids.length }));
    },
    [api, address, changed, announce, t],
  );

  // `/` jumps to search from anywhere but a field (as in Gmail and Coremail).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      e.preventDefault();
      searchRef.current?.focus();
      searchRef.current?.select(); // typing replaces the last search
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  // The drawer (phones) closes with Escape from anywhere, and focus goes back to its button.
  useEffect(() => {
    if (!drawer) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setDrawer(false);
      document.querySelector<HTMLElement>('.topbar__menu')?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [drawer]);

  const inboxUnread = folders?.find((f) => f.name.toUpperCase() === 'INBOX')?.unread ?? null;
  const state = useMemo<MailState>(
    () => ({ api, session, address, folders, version, changed, moveTo }),
    [api, session, address, folders, version, changed, moveTo],
  );
  const junk = folders ? folderOf(folders, 'junk') : null;

  return (
    <MailContext.Provider value={state}>
      <TopBar
        api={api}
        session={session}
        unread={inboxUnread}
        onLogout={onLogout}
        onMenu={() => setDrawer((d) => !d)}
        menuOpen={drawer}
        searchRef={searchRef}
      />
      <div class={`shell${drawer ? ' shell--drawer' : ''}`} data-junk={junk ?? undefined}>
        <FolderSidebar open={drawer} onClose={() => setDrawer(false)} />
        <main id="main" class="main">
          {children}
        </main>
      </div>
    </MailContext.Provider>
  );
}
