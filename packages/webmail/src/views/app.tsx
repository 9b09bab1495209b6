import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { type Api, ApiError, createApi } from '../api/client.js';
import type { Session } from '../api/types.js';
import { firstPage, type PageState, pageFrom } from '../mail/paging.js';
import { loginPath, navigate, safeRedirect, useRoute } from '../router.js';
import { Compose } from './compose/compose.js';
import { useFocusOnChange } from './focus.js';
import { AnnounceContext, StatusRegion } from './live.js';
import { LoginPage } from './login.js';
import { Mailbox } from './mailbox.js';

type SessionState =
  | { state: 'loading' }
  | { state: 'failed'; error: string }
  | { state: 'ready'; session: Session | null };

const here = () => `${location.pathname}${location.search}`;

function Header({
  session,
  unread,
  onLogout,
}: {
  session: Session;
  unread: number | null;
  onLogout: () => void;
}) {
  const { displayName, address } = session.user;
  return (
    <header class="topbar">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <span class="brand">
        <span class="brand__mark" aria-hidden="true" />
        jdmail
      </span>
      <span class="topbar__inbox" aria-live="polite">
        {unread !== null && (
          <span class="badge" data-testid="unread-count">
            {unread} unread
          </span>
        )}
      </span>
      <span class="topbar__user" title={address}>
        {displayName || address}
      </span>
      <button type="button" class="button button--quiet" onClick={onLogout}>
        Sign out
      </button>
    </header>
  );
}

function NotFound() {
  const ref = useFocusOnChange<HTMLHeadingElement>('not-found');
  return (
    <main class="centered" id="main">
      <h1 tabIndex={-1} ref={ref}>
        Page not found
      </h1>
      <p>
        <a href="/">Go to your inbox</a>
      </p>
    </main>
  );
}

/** The webmail: session bootstrap, routing between login and mailbox, sign-out. */
export function App({ api: given }: { api?: Api }) {
  const { route, url, state } = useRoute();
  const [session, setSession] = useState<SessionState>({ state: 'loading' });
  const [unread, setUnread] = useState<number | null>(null);
  const [status, setStatus] = useState('');
  const lastPage = useRef<PageState>(firstPage);

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
          error:
            e instanceof ApiError && e.status === 0
              ? 'The mail server cannot be reached. Check your connection.'
              : 'The mail server is not available right now.',
        }),
    );
  }, [api]);
  useEffect(loadSession, [loadSession]);

  const current = session.state === 'ready' ? session.session : null;
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
    setUnread(null);
    if (redirect) location.assign(redirect);
    else navigate(loginPath('signed_out'), { replace: true });
  }, [api]);

  let content: preact.ComponentChildren;
  if (session.state === 'loading') {
    content = (
      <main class="centered" id="main" aria-busy="true">
        <p>Loading…</p>
      </main>
    );
  } else if (session.state === 'failed') {
    content = (
      <main class="centered" id="main">
        <p class="notice notice--error" role="alert">
          {session.error}
        </p>
        <button type="button" class="button button--primary" onClick={loadSession}>
          Try again
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
  } else if (current && route.name === 'compose') {
    content = (
      <>
        <Header session={current} unread={unread} onLogout={logout} />
        <main id="main" class="main">
          <Compose
            key={`${route.mode}:${route.of}:${route.draft ?? ''}`}
            api={api}
            session={current}
            {...route}
          />
        </main>
      </>
    );
  } else if (current) {
    if (route.name === 'inbox') {
      const same = lastPage.current.cursor === route.cursor && !!lastPage.current.junk === route.junk;
      const known = same ? lastPage.current.trail : undefined;
      lastPage.current = pageFrom(
        route.cursor,
        (state as { trail?: unknown } | null)?.trail ? state : { trail: known },
        route.junk,
      );
    }
    content = (
      <>
        <Header session={current} unread={unread} onLogout={logout} />
        <main id="main" class="main">
          <Mailbox
            api={api}
            session={current}
            page={lastPage.current}
            open={route.name === 'message' ? { id: route.id, images: route.images } : null}
            onUnreadCount={setUnread}
          />
        </main>
      </>
    );
  }

  useEffect(() => {
    if (unread !== null && route.name !== 'message')
      document.title = unread ? `(${unread}) Inbox — jdmail` : 'Inbox — jdmail';
  }, [unread, route.name]);

  return (
    <AnnounceContext.Provider value={announce}>
      <div class="app" data-route={route.name} data-url={url.pathname}>
        {content}
        <StatusRegion text={status} />
      </div>
    </AnnounceContext.Provider>
  );
}
