import { useI18n } from '../../i18n/index.js';

const MB = 1024 * 1024;

/** Megabytes for a quota input (0 = unlimited); whole MB, as admins think of quotas. */
export const quotaToMb = (bytes: number) => Math.round(bytes / MB);
export const mbToQuota = (mb: number) => Math.round(mb * MB);

/** "1.2 GB / 5 GB" with a bar; "1.2 GB / unlimited" without a quota. */
export function QuotaUse({ used, quota }: { used: number; quota: number }) {
  const { t, size } = useI18n();
  const text = quota
    ? t('console.quota.usedOf', { used: size(used), quota: size(quota) })
    : t('console.quota.usedUnlimited', { used: size(used) });
  return (
    <span class="console-quota">
      <span>{text}</span>
      {quota > 0 && (
        <meter min={0} max={quota} value={Math.min(used, quota)} high={quota * 0.9} aria-label={text} />
      )}
    </span>
  );
}
