import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  applyDocumentLocale,
  createI18n,
  detectLocale,
  I18nContext,
  type Locale,
  saveLocale,
  useI18n,
} from '../i18n/index.js';
import { loginPath } from '../router.js';
import { ErrorState, Loading } from './components/states.js';
import { ToastProvider } from './components/toasts.js';
import { createHttp } from './http.js';
import { PAGES } from './pages/registry.js';
import { consoleNavigate, useConsoleLocation } from './route.js';
import { loadSession, type SessionState } from './session.js';
import { ConsoleShell } from './shell.js';

/** Sends the browser to the webmail's sign-in page, which brings it back here afterwards. */
function goSignIn(error?: string) {
  location.replace(loginPath(error, `${location.pathname}${location.search}`));
}

function NoRights({ name }: { name: string }) {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${t('console.noRights.title')} — ${t('console.appTitle')}`;
  }, [t]);
  return (
    <main class="centered console-norights" id="main">
      <h1>{t('console.noRights.title')}</h1>
      <p>{t('console.noRights.body', { name })}</p>
      <p>
        <a class="button button--primary" href="/">
          {t('console.noRights.toWebmail')}
        </a>
      </p>
    </main>
  );
}

function Body() {
  const { location: where } = useConsoleLocation();
  const [state, setState] = useState<SessionState>({ state: 'loading' });
  const csrf = useRef<string | null>(null);
  const leaving = useRef(false);
  const http = useMemo(
    () =>
      createHttp({
        csrfToken: () => csrf.current,
        onSessionLost: () => {
          if (leaving.current) return;
          leaving.current = true;
          goSignIn(csrf.current ? 'session_expired' : undefined);
        },
      }),
    [],
  );
  const load = useCallback(() => {
    setState({ state: 'loading' });
    loadSession(http, (token) => {
      csrf.current = token;
    }).then(setState, (error) => setState({ state: 'failed', error }));
  }, [http]);
  useEffect(load, [load]);

  if (state.state === 'loading' || state.state === 'signed-out')
    return (
      <main class="centered" id="main">
        <Loading />
      </main>
    );
  if (state.state === 'failed')
    return (
      <main class="centered" id="main">
        <ErrorState error={state.error} onRetry={load} />
      </main>
    );
  if (state.state === 'no-rights') return <NoRights name={state.user.displayName || state.user.address} />;
  if (!where) {
    // admin.html is only served under /admin; anything else is a stray URL.
    consoleNavigate('/admin', { replace: true });
    return null;
  }
  return (
    <ConsoleShell
      http={http}
      session={state.session}
      where={where}
      pages={PAGES}
      onSignOut={async () => {
        leaving.current = true;
        let redirect: string | null = null;
        try {
          redirect = (await http.post<{ redirect: string | null }>('/auth/logout')).redirect;
        } catch {
          // gone already: the user still leaves signed out
        }
        location.assign(redirect ?? loginPath('signed_out'));
      }}
    />
  );
}

/** The admin console at /admin: language, toasts, session, then the shell with the current page. */
export function ConsoleApp() {
  const [locale, setLocale] = useState<Locale>(() => detectLocale());
  useEffect(() => applyDocumentLocale(locale), [locale]);
  const i18n = useMemo(
    () => ({
      ...createI18n(locale),
      setLocale: (l: Locale) => {
        saveLocale(l);
        setLocale(l);
      },
    }),
    [locale],
  );
  return (
    <I18nContext.Provider value={i18n}>
      <ToastProvider>
        <Body />
      </ToastProvider>
    </I18nContext.Provider>
  );
}
