import { useEffect, useRef, useState } from 'preact/hooks';
import type { Api } from '../api/client.js';
import { ApiError } from '../api/client.js';
import { loginCodeNotice, loginFailureText, type Text, textOf } from '../api/messages.js';
import type { AuthConfig, Session } from '../api/types.js';
import { useI18n } from '../i18n/index.js';
import { LanguageSwitcher } from './language.js';

interface Props {
  api: Api;
  /** A `?error=` code from a browser sign-in flow. */
  errorCode: string | null;
  /** Where to go after signing in (already checked to be a path of this webmail). */
  redirect: string;
  onSignedIn: (session: Session) => void;
}

/** The provider's start URL with our `redirect`, so SSO lands where the user was going. */
function providerHref(startUrl: string, redirect: string): string {
  if (redirect === '/') return startUrl;
  const url = new URL(startUrl, location.origin);
  if (!url.searchParams.has('redirect')) url.searchParams.set('redirect', redirect);
  return url.origin === location.origin ? `${url.pathname}${url.search}` : url.href;
}

/** Sign-in: address + password, and one button per configured SSO provider. */
export function LoginPage({ api, errorCode, redirect, onSignedIn }: Props) {
  const [config, setConfig] = useState<AuthConfig | null>(null);
  const [busy, setBusy] = useState(false);
  const { t } = useI18n();
  const [failure, setFailure] = useState<Text | null>(null);
  const [waitUntil, setWaitUntil] = useState(0);
  const [, setTick] = useState(0);
  const addressRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const notice = loginCodeNotice(errorCode);

  useEffect(() => {
    addressRef.current?.focus();
    api.authConfig().then(setConfig, () => setConfig({ passwordLogin: true, providers: [] }));
  }, [api]);
  useEffect(() => {
    document.title = t('common.login.pageTitle');
  }, [t]);

  // While rate limited, re-render once a second so the button comes back on time.
  const waiting = waitUntil > Date.now();
  useEffect(() => {
    if (!waiting) return;
    const t = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, [waiting]);

  async function submit(event: Event) {
    event.preventDefault();
    if (busy || waiting) return;
    const address = addressRef.current?.value.trim() ?? '';
    const password = passwordRef.current?.value ?? '';
    if (!address || !password) {
      setFailure({ key: 'common.login.missing' });
      (address ? passwordRef : addressRef).current?.focus();
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      onSignedIn(await api.login(address, password));
    } catch (e) {
      const retryAfter = e instanceof ApiError && e.status === 429 ? (e.retryAfter ?? 30) : 0;
      if (retryAfter) setWaitUntil(Date.now() + retryAfter * 1000);
      setFailure(loginFailureText(e, retryAfter || null));
      if (passwordRef.current) {
        passwordRef.current.value = '';
        passwordRef.current.focus();
      }
    } finally {
      setBusy(false);
    }
  }

  const passwordLogin = config?.passwordLogin ?? true;
  const providers = config?.providers ?? [];
  return (
    <main class="login" id="main">
      <div class="login__language">
        <LanguageSwitcher id="login-language" />
      </div>
      <div class="login__card">
        <p class="brand" aria-hidden="true">
          <span class="brand__mark" /> {t('common.appName')}
        </p>
        <h1 id="login-title">{t('common.login.title')}</h1>
        {notice && (
          <p
            class={`notice notice--${notice.kind}`}
            role={notice.kind === 'error' ? 'alert' : 'status'}
            data-code={errorCode}
          >
            {textOf(t, notice)}
          </p>
        )}
        {passwordLogin && (
          <form class="login__form" onSubmit={submit} noValidate aria-labelledby="login-title">
            <label for="address">{t('common.login.address')}</label>
            <input
              ref={addressRef}
              id="address"
              name="address"
              type="email"
              autoComplete="username"
              autoCapitalize="none"
              spellcheck={false}
              required
              aria-describedby={failure ? 'login-failure' : undefined}
            />
            <label for="password">{t('common.login.password')}</label>
            <input
              ref={passwordRef}
              id="password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              aria-describedby={failure ? 'login-failure' : undefined}
            />
            <div id="login-failure" class="form-error" role="alert">
              {failure && textOf(t, failure)}
            </div>
            <button type="submit" class="button button--primary" disabled={busy || waiting} aria-busy={busy}>
              {busy ? t('common.login.signingIn') : t('common.login.signIn')}
            </button>
          </form>
        )}
        {providers.length > 0 && (
          <section class="providers" aria-label={t('common.login.sso')}>
            {passwordLogin && <p class="providers__or">{t('common.login.or')}</p>}
            <ul>
              {providers.map((p) => (
                <li key={p.id}>
                  <a class="button button--provider" href={providerHref(p.startUrl, redirect)}>
                    {t('common.login.with', { name: p.name })}
                  </a>
                </li>
              ))}
            </ul>
          </section>
        )}
      </div>
    </main>
  );
}
