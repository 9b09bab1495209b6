import type { components } from '@jdmail/sdk';
import { useI18n } from '../../i18n/index.js';
import { ErrorState, Loading } from '../components/states.js';
import { useLoad } from '../components/use-list.js';
import type { PageProps } from './types.js';
import './ops.css';

type Provider = components['schemas']['SsoProviderStatus'];

/** SSO providers: each OIDC/CAS provider, whether it answers, its last sign-in, today's sign-ins and failures. */
export function SsoProvidersPage({ http }: PageProps) {
  const { t, date, number } = useI18n();
  const providers = useLoad(() => http.get<{ items: Provider[] }>('/sso/providers'), 'sso');
  if (providers.error) return <ErrorState error={providers.error} onRetry={providers.reload} />;
  if (!providers.data) return <Loading />;
  const items = providers.data.items;
  return (
    <>
      <div class="console-toolbar">
        <p class="console-muted">{t('admin.sso.intro')}</p>
        <button type="button" class="button" onClick={providers.reload}>
          {t('admin.refresh')}
        </button>
      </div>
      {items.length === 0 ? (
        <p class="console-state">{t('admin.sso.none')}</p>
      ) : (
        <div class="console-table-wrap">
          <table class="console-table">
            <caption class="sr-only">{t('admin.sso.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.sso.name')}</th>
                <th scope="col">{t('admin.sso.kind')}</th>
                <th scope="col">{t('admin.sso.url')}</th>
                <th scope="col">{t('admin.status')}</th>
                <th scope="col">{t('admin.sso.lastSignIn')}</th>
                <th scope="col" class="num">
                  {t('admin.sso.signInsToday')}
                </th>
                <th scope="col" class="num">
                  {t('admin.sso.failuresToday')}
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={`${p.kind}:${p.id}`} data-key={p.id}>
                  <td data-label={t('admin.sso.name')}>
                    {p.name}
                    <span class="console-table__sub">
                      <code>{p.id}</code>
                    </span>
                  </td>
                  <td data-label={t('admin.sso.kind')}>{p.kind === 'oidc' ? 'OpenID Connect' : 'CAS'}</td>
                  <td data-label={t('admin.sso.url')}>
                    <code>{p.url}</code>
                  </td>
                  <td data-label={t('admin.status')}>
                    <span
                      class={`console-pill console-pill--${p.reachable ? 'ok' : 'bad'}`}
                      data-reachable={p.reachable}
                    >
                      {p.reachable ? t('admin.sso.reachable') : t('admin.sso.unreachable')}
                    </span>
                    {p.reachableDetail && <span class="console-table__sub">{p.reachableDetail}</span>}
                  </td>
                  <td data-label={t('admin.sso.lastSignIn')}>
                    {p.lastSignInAt ? date(p.lastSignInAt) : t('admin.never')}
                  </td>
                  <td data-label={t('admin.sso.signInsToday')} class="num">
                    {number(p.signInsToday)}
                  </td>
                  <td data-label={t('admin.sso.failuresToday')} class="num">
                    {number(p.failuresToday)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
