import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { type Api, ApiError, createApi } from '../api/client.js';
import type { Session } from '../api/types.js';
import {
  applyDocumentLocale,
  createI18n,
  detectLocale,
  I18nContext,
  type Locale,
  saveLocale,
  useI18n,
} from '../i18n/index.js';
import { firstPage, type PageState, pageFrom } from '../mail/paging.js';
import { loginPath, navigate, type Route, type SearchQuery, safeRedirect, useRoute } from '../router.js';
import { Compose } from './compose/compose.js';
import { useFocusOnChange } from './focus.js';
import { AnnounceContext, StatusRegion } from './live.js';
import { LoginPage } from './login.js';
import { Mailbox } from './mailbox.js';
import { SearchPage } from './search/search-page.js';
import { useServerLanguage } from './settings/server-language.js';
import { SettingsPage } from './settings/settings-page.js';
import { Shell } from './shell.js';

type SessionState =
  | { state: 'loading' }
  | { state: 'failed'; error: 'unreachable' | 'unavailable' }
  | { state: 'ready'; session: Session | null };

const here = () => `${location.pathname}${location.search}`;

function NotFound() {
  const { t } = useI18n();
  const ref = useFocusOnChange<HTMLHeadingElement>('not-found');
  return (
    <main class="centered" id="main">
      <h1 tabIndex={-1} ref={ref}>
        {t('common.notFoundTitle')}
      </h1>
      <p>
        <a href="/">{t('common.notFoundBack')}</a>
      </p>
    </main>
  );
}

/** The list a route shows: the inbox, Junk or a folder, with the paging trail of its history entry. */
function listPage(route: Route, state: unknown, last: PageState): PageState {
  if (route.name !== 'inbox' && route.name !== 'folder') return last;
  const mailbox = route.name === 'folder' ? route.mailbox : undefined;
  const junk = route.name === 'inbox' && route.junk;
  const same = last.cursor === route.cursor && !!last.junk === junk && last.mailbox === mailbox;
  const known = same ? last.trail : undefined;
  return pageFrom(
    route.cursor,
    (state as { trail?: unknown } | null)?.trail ? state : { trail: known },
    junk,
    mailbox,
  );
}

/** The language: the saved or browser choice at first; switching saves it and sets `<html lang>`. */
function useLocaleState() {
  const [locale, setLocaleState] = useState<Locale>(() => detectLocale());
  useEffect(() => applyDocumentLocale(locale), [locale]);
  const setLocale = useCallback((l: Locale) => {
    saveLocale(l);
    setLocaleState(l);
  }, []);
  return useMemo(() => ({ ...createI18n(locale), setLocale }), [locale, setLocale]);
}

/** The webmail: language, session bootstrap, routing between login and the signed-in screens, sign-out. */
export function App({ api: given }: { api?: Api }) {
  const i18n = useLocaleState();
  const { t } = i18n;
  const { route, url, state } = useRoute();
  const [session, setSession] = useState<SessionState>({ state: 'loading' });
  const [status, setStatus] = useState('');
  const lastPage = useRef<PageState>(firstPage);
  /** The list a message was opened from: a folder, or search results. */
  const lastList = useRef<'folder' | 'search'>('folder');
  const lastSearch = useRef<SearchQuery | null>(null);

  const api = useMemo(
    () =>
      given ??
      createApi({
        onSessionLost: () => {
          setSession({ state: 'ready', session: null });
          navigate(loginPath('session_expired', here()), { replace: true });
        },
      }),
    [given],
  );

  const announce = useCallback((text: string) => {
    setStatus(text);
    setTimeout(() => setStatus((s) => (s === text ? '' : s)), 4000);
  }, []);

  const loadSession = useCallback(() => {
    setSession({ state: 'loading' });
    api.session().then(
      (s) => setSession({ state: 'ready', session: s }),
      (e) =>
        setSession({
          state: 'failed',
          error: e instanceof ApiError && e.status === 0 ? 'unreachable' : 'unavailable',
        }),
    );
  }, [api]);
  useEffect(loadSession, [loadSession]);

  const current = session.state === 'ready' ? session.session : null;
  useServerLanguage(api, current?.user.address ?? null, i18n.setLocale);
  // Routing rules: signed out → /login (remembering where to go); signed in → never /login.
  useEffect(() => {
    if (session.state !== 'ready') return;
    if (!current && route.name !== 'login' && route.name !== 'not-found')
      navigate(loginPath(undefined, here()), { replace: true });
    if (current && route.name === 'login') navigate(safeRedirect(route.redirect), { replace: true });
  }, [session.state, current, route]);

  const logout = useCallback(async () => {
    let redirect: string | null = null;
    try {
      redirect = await api.logout();
    } catch {
      // Gone already or unreachable: the user still leaves this screen signed out.
    }
    setSession({ state: 'ready', session: null });
    if (redirect) location.assign(redirect);
    else navigate(loginPath('signed_out'), { replace: true });
  }, [api]);

  let content: preact.ComponentChildren;
  if (session.state === 'loading') {
    content = (
      <main class="centered" id="main" aria-busy="true">
        <p>{t('common.loading')}</p>
      </main>
    );
  } else if (session.state === 'failed') {
    content = (
      <main class="centered" id="main">
        <p class="notice notice--error" role="alert">
          {t(session.error === 'unreachable' ? 'common.unreachable' : 'common.unavailable')}
        </p>
        <button type="button" class="button button--primary" onClick={loadSession}>
          {t('common.tryAgain')}
        </button>
      </main>
    );
  } else if (route.name === 'not-found') {
    content = <NotFound />;
  } else if (route.name === 'login') {
    content = current ? null : (
      <LoginPage
        api={api}
        errorCode={route.error}
        redirect={safeRedirect(route.redirect)}
        onSignedIn={(s) => {
          setSession({ state: 'ready', session: s });
          navigate(safeRedirect(route.redirect), { replace: true });
        }}
      />
    );
  } else if (current) {
    lastPage.current = listPage(route, state, lastPage.current);
    if (route.name === 'inbox' || route.name === 'folder') lastList.current = 'folder';
    if (route.name === 'search') {
      lastList.current = 'search';
      lastSearch.current = route.query;
    }
    const open = route.name === 'message' ? { id: route.id, images: route.images } : null;
    let screen: preact.ComponentChildren;
    // Each signed-in screen is one branch here, inside the shell (compose and settings add theirs).
    const searched =
      route.name === 'search'
        ? route.query
        : open && lastList.current === 'search'
          ? lastSearch.current
          : null;
    if (route.name === 'settings') screen = <SettingsPage section={route.section} />;
    else if (route.name === 'compose')
      screen = (
        <Compose
          key={`${route.mode}:${route.of}:${route.draft ?? ''}`}
          api={api}
          session={current}
          {...route}
        />
      );
    else if (searched) screen = <SearchPage query={searched} open={open} />;
    else screen = <Mailbox page={lastPage.current} open={open} />;
    content = (
      <Shell api={api} session={current} onLogout={logout}>
        {screen}
      </Shell>
    );
  }

  return (
    <I18nContext.Provider value={i18n}>
      <AnnounceContext.Provider value={announce}>
        <div class="app" data-route={route.name} data-url={url.pathname}>
          {content}
          <StatusRegion text={status} />
        </div>
      </AnnounceContext.Provider>
    </I18nContext.Provider>
  );
}
