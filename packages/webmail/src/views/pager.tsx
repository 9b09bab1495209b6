import { useI18n } from '../i18n/index.js';

/** "‹ Newer" and "Older ›" under a message list (folder or search results); shown only when there is another page. */
export function Pager(props: { newer: (() => void) | null; older: (() => void) | null }) {
  const { t } = useI18n();
  const { newer, older } = props;
  if (!newer && !older) return null;
  return (
    <nav class="pager" aria-label={t('mail.list.pages')}>
      <button type="button" class="button" onClick={() => newer?.()} disabled={!newer}>
        <span aria-hidden="true">‹</span> {t('mail.list.newer')}
      </button>
      <button type="button" class="button" onClick={() => older?.()} disabled={!older}>
        {t('mail.list.older')} <span aria-hidden="true">›</span>
      </button>
    </nav>
  );
}
