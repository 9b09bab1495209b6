import { useEffect } from 'preact/hooks';
import { useI18n } from '../../i18n/index.js';
import type { Http } from '../http.js';
import type { Domain, Page } from '../types.js';
import { ErrorState, Loading } from './states.js';
import { useLoad } from './use-list.js';

/** Every domain the caller may see (domain admins: their own), all pages. */
export async function allDomains(http: Http): Promise<Domain[]> {
  const out: Domain[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<Domain> = await http.get('/domains', { limit: 200, cursor });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

export function useDomains(http: Http, key = '') {
  return useLoad(() => allDomains(http), key);
}

interface Props {
  http: Http;
  /** The domain in the URL, if any. */
  selected: string | undefined;
  /** Called with the domain to show (also to pick the first one when the URL names none). */
  onSelect: (domain: string, replace: boolean) => void;
  children: (domain: string) => preact.ComponentChildren;
}

/**
 * The domain a per-domain page works on: a select of the caller's domains
 * (a domain admin sees only theirs), kept in the URL. With one domain the
 * select is still shown, so the user sees which domain they are in.
 */
export function DomainScope({ http, selected, onSelect, children }: Props) {
  const { t } = useI18n();
  const domains = useDomains(http);
  const names = domains.data?.map((d) => d.name) ?? [];
  const first = names[0];
  useEffect(() => {
    if (!selected && first) onSelect(first, true);
  }, [selected, first, onSelect]);
  if (domains.error) return <ErrorState error={domains.error} onRetry={domains.reload} />;
  if (domains.loading || !domains.data) return <Loading />;
  if (names.length === 0)
    return <p class="console-state console-state--empty">{t('console.domains.none')}</p>;
  const domain = selected && names.includes(selected) ? selected : selected ? null : first;
  return (
    <>
      <div class="console-toolbar">
        <label class="console-inline-field">
          <span>{t('console.domain')}</span>
          <select value={domain ?? ''} onChange={(e) => onSelect(e.currentTarget.value, false)}>
            {domain === null && <option value="">{selected}</option>}
            {names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </div>
      {domain ? (
        children(domain)
      ) : (
        <p class="console-state console-state--error" role="alert">
          {t('console.error.notFound')}
        </p>
      )}
    </>
  );
}
