import { useI18n } from '../../i18n/index.js';
import type { User } from '../types.js';

/** A user's role as a short label. */
export function useRoleText() {
  const { t } = useI18n();
  return (role: User['role']) =>
    role === 'admin'
      ? t('console.role.admin')
      : role === 'domain_admin'
        ? t('console.role.domainAdmin')
        : t('console.role.user');
}
