import { useEffect, useRef, useState } from 'preact/hooks';
import { LOCALES, type Locale, useI18n } from '../i18n/index.js';
import type { Http } from './http.js';
import type { AdminPage } from './pages/types.js';
import { type ConsoleLocation, consoleNavigate, consolePath, onConsoleLink } from './route.js';
import type { AdminSession } from './types.js';

interface Props {
  http: Http;
  session: AdminSession;
  where: ConsoleLocation;
  pages: readonly AdminPage[];
  onSignOut: () => void;
}

function LanguageSwitcher() {
  const { t, locale, setLocale } = useI18n();
  return (
    <label class="console-lang">
      <span class="sr-only">{t('common.language')}</span>
      <select value={locale} onChange={(e) => setLocale(e.currentTarget.value as Locale)}>
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {t(`common.languageName.${l}`)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Back to the webmail and sign out: in the top bar, and (on a phone) at the end of the menu. */
function AccountLinks({ onSignOut }: { onSignOut: () => void }) {
  const { t } = useI18n();
  return (
    <>
      <a class="button button--quiet" href="/">
        {t('console.toWebmail')}
      </a>
      <button type="button" class="button button--quiet" onClick={onSignOut}>
        {t('common.signOut')}
      </button>
    </>
  );
}

function Nav({
  pages,
  current,
  open,
  onSignOut,
}: {
  pages: readonly AdminPage[];
  current: AdminPage | null;
  /** On a phone the navigation is a menu that the top bar's button opens. */
  open: boolean;
  onSignOut: () => void;
}) {
  const { t } = useI18n();
  return (
    <nav id="console-nav" class={`console-nav${open ? ' is-open' : ''}`} aria-label={t('console.nav.label')}>
      <ul>
        {pages.map((p) => {
          const href = consolePath(p.path);
          return (
            <li key={p.id}>
              <a
                href={href}
                data-page={p.id}
                aria-current={current?.id === p.id ? 'page' : undefined}
                onClick={(e) => onConsoleLink(e, href)}
              >
                {t(p.titleKey)}
              </a>
            </li>
          );
        })}
      </ul>
      <div class="console-nav__account">
        <AccountLinks onSignOut={onSignOut} />
      </div>
    </nav>
  );
}

/**
 * The console's frame: top bar (who is signed in, role, language, webmail,
 * sign out), the navigation of the pages this role may use, and the current
 * page under its title. A page the role may not use is "not found", as the
 * API answers it.
 */
export function ConsoleShell({ http, session, where, pages, onSignOut }: Props) {
  const { t, locale } = useI18n();
  const allowed = pages.filter((p) => p.roles.includes(session.role));
  const current =
    where.page === '' ? (allowed[0] ?? null) : (allowed.find((p) => p.path === where.page) ?? null);
  const heading = useRef<HTMLHeadingElement>(null);
  const [menuOpen, setMenuOpen] = useState(false);
  const title = current ? t(current.titleKey) : t('console.notFound');

  useEffect(() => {
    document.title = `${title} — ${t('console.appTitle')}`;
  }, [title, t]);
  // A new page moves focus to its heading, so screen readers announce where the user is.
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    heading.current?.focus();
    setMenuOpen(false);
  }, [where.page]);

  const Page = current?.component;
  const roleText = session.role === 'admin' ? t('console.role.admin') : t('console.role.domainAdmin');
  return (
    <div class="console" data-page={current?.id ?? 'not-found'} data-locale={locale}>
      <a class="skip" href="#main">
        {t('common.skipToContent')}
      </a>
      <header class="console-top">
        <span class="brand">
          <span class="brand__mark" aria-hidden="true" />
          <span>{t('console.appTitle')}</span>
        </span>
        <span class="console-top__user" data-testid="console-user">
          <span class="console-top__name">{session.user.displayName || session.user.address}</span>
          <span class="console-role" data-role={session.role}>
            {roleText}
          </span>
        </span>
        <LanguageSwitcher />
        <span class="console-top__account">
          <AccountLinks onSignOut={onSignOut} />
        </span>
        <button
          type="button"
          class="button console-menu-button"
          aria-expanded={menuOpen}
          aria-controls="console-nav"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          {t('console.nav.menu')}
        </button>
      </header>
      <div class="console-body">
        <Nav pages={allowed} current={current} open={menuOpen} onSignOut={onSignOut} />
        <main id="main" class="console-main">
          <h1 tabIndex={-1} ref={heading}>
            {title}
          </h1>
          {Page ? (
            <Page
              key={current.id}
              http={http}
              session={session}
              rest={where.rest}
              query={where.query}
              navigate={consoleNavigate}
            />
          ) : (
            <p>
              <a href={consolePath('')} onClick={(e) => onConsoleLink(e, consolePath(''))}>
                {t('console.notFoundBack')}
              </a>
            </p>
          )}
        </main>
      </div>
    </div>
  );
}
