import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n/index.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { ErrorState, Loading } from '../components/states.js';
import { useToast } from '../components/toasts.js';
import { useLoad } from '../components/use-list.js';
import { seg } from '../http.js';
import { consolePath, onConsoleLink } from '../route.js';
import type { DkimKey, DomainDns } from '../types.js';
import type { PageProps } from './types.js';

type DnsStatus = 'found' | 'missing' | 'different' | 'unknown';

const STATUS_CLASS: Record<string, string> = {
  found: 'ok',
  missing: 'bad',
  different: 'warn',
  unknown: 'warn',
};

/** One domain: the DNS records it must publish (checked against DNS now) and DKIM key rotation. */
export function DomainDnsView({ http, domain }: PageProps & { domain: string }) {
  const { t } = useI18n();
  const toast = useToast();
  const [rotating, setRotating] = useState(false);
  const [newKey, setNewKey] = useState<DkimKey | null>(null);
  const dns = useLoad(() => http.get<DomainDns>(`/domains/${seg(domain)}/dns`), domain);
  const back = consolePath('domains');
  return (
    <>
      <p class="console-breadcrumb">
        <a href={back} onClick={(e) => onConsoleLink(e, back)}>
          {t('console.nav.domains')}
        </a>{' '}
        / <span data-testid="domain-name">{domain}</span>
      </p>
      <section class="console-panel" aria-labelledby="dns-title">
        <div class="console-panel__head">
          <h2 id="dns-title">{t('console.dns.title', { name: domain })}</h2>
          <button type="button" class="button" onClick={() => setRotating(true)}>
            {t('console.dns.rotate')}
          </button>
        </div>
        <p class="console-hint">{t('console.dns.hint')}</p>
        {newKey && (
          <div class="notice notice--info" role="status">
            <p>{t('console.dns.rotated', { selector: newKey.selector })}</p>
            <code class="console-code">
              {newKey.dnsName} TXT "{newKey.dnsValue}"
            </code>
          </div>
        )}
        {dns.error ? (
          <ErrorState error={dns.error} onRetry={dns.reload} />
        ) : !dns.data ? (
          <Loading />
        ) : (
          <div class="console-table-wrap">
            <table class="console-table console-table--dns">
              <caption class="sr-only">{t('console.dns.title', { name: domain })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('console.dns.purpose')}</th>
                  <th scope="col">{t('console.dns.type')}</th>
                  <th scope="col">{t('console.dns.name')}</th>
                  <th scope="col">{t('console.dns.value')}</th>
                  <th scope="col">{t('console.dns.status')}</th>
                </tr>
              </thead>
              <tbody>
                {dns.data.records.map((r) => (
                  <tr key={`${r.purpose}-${r.name}`} data-purpose={r.purpose}>
                    <td data-label={t('console.dns.purpose')}>{r.purpose.toUpperCase()}</td>
                    <td data-label={t('console.dns.type')}>{r.type}</td>
                    <td data-label={t('console.dns.name')}>
                      <code>{r.name}</code>
                    </td>
                    <td data-label={t('console.dns.value')}>
                      <code class="console-code">{r.value}</code>
                    </td>
                    <td data-label={t('console.dns.status')}>
                      <span class={`console-pill console-pill--${STATUS_CLASS[r.status] ?? 'warn'}`}>
                        {t(`console.dns.status.${r.status as DnsStatus}`)}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {rotating && (
        <ConfirmDialog
          title={t('console.dns.rotateTitle', { name: domain })}
          confirmLabel={t('console.dns.rotate')}
          onClose={() => setRotating(false)}
          onConfirm={async () => {
            const key = await http.post<DkimKey>(`/domains/${seg(domain)}/dkim`);
            setNewKey(key);
            toast(t('console.dns.rotated', { selector: key.selector }));
            dns.reload();
          }}
        >
          <p>{t('console.dns.rotateWarning')}</p>
        </ConfirmDialog>
      )}
    </>
  );
}
