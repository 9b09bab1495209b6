import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n/index.js';
import { FormDialog } from '../components/confirm-dialog.js';
import { SelectField, TextField } from '../components/field.js';
import { type Http, seg } from '../http.js';
import type { AdminSession, User } from '../types.js';

type Role = 'admin' | 'domain_admin';

/**
 * 授予管理员权限: makes a user a domain admin of chosen domains (or, for a
 * system admin only, a system admin). With `user` set it edits that domain
 * admin's domains. The server checks the caller may grant exactly this.
 */
export function GrantDialog({
  http,
  session,
  domains,
  user,
  onClose,
  onDone,
}: {
  http: Http;
  session: AdminSession;
  /** Domains the caller administers (all, for a system admin). */
  domains: string[];
  user: User | null;
  onClose: () => void;
  onDone: (user: User) => void;
}) {
  const { t } = useI18n();
  const [address, setAddress] = useState(user?.address ?? '');
  const [role, setRole] = useState<Role>('domain_admin');
  const [chosen, setChosen] = useState(new Set(user?.adminDomains ?? (domains.length === 1 ? domains : [])));
  const [error, setError] = useState<string | null>(null);
  const system = session.role === 'admin';
  // A domain admin's other domains (outside the caller's) are kept as they are.
  const others = (user?.adminDomains ?? []).filter((d) => !domains.includes(d));

  return (
    <FormDialog
      title={user ? t('console.admins.editTitle', { name: user.address }) : t('console.admins.grant')}
      submitLabel={user ? t('common.save') : t('console.admins.grantSubmit')}
      onClose={onClose}
      onSubmit={async () => {
        const target = address.trim();
        if (!target.includes('@')) {
          setError(t('console.admins.addressRequired'));
          throw new Error(t('console.form.fix'));
        }
        const adminDomains = role === 'admin' ? [] : [...others, ...chosen];
        if (role === 'domain_admin' && adminDomains.length === 0)
          throw new Error(t('console.admins.domainsRequired'));
        onDone(await http.patch<User>(`/users/${seg(target)}`, { role, adminDomains }));
      }}
    >
      {!user && (
        <TextField
          id="grant-address"
          label={t('console.admins.user')}
          hint={t('console.admins.userHint')}
          value={address}
          error={error}
          type="email"
          autoComplete="off"
          spellcheck={false}
          onInput={(e) => {
            setAddress(e.currentTarget.value);
            setError(null);
          }}
        />
      )}
      {system && !user && (
        <SelectField
          id="grant-role"
          label={t('console.users.role')}
          value={role}
          onChange={(e) => setRole(e.currentTarget.value as Role)}
          options={[
            { value: 'domain_admin', label: t('console.role.domainAdmin') },
            { value: 'admin', label: t('console.role.admin') },
          ]}
        />
      )}
      {role === 'domain_admin' && (
        <fieldset class="console-checks">
          <legend>{t('console.admins.domains')}</legend>
          {domains.map((d) => (
            <label key={d}>
              <input
                type="checkbox"
                checked={chosen.has(d)}
                onChange={(e) => {
                  const next = new Set(chosen);
                  if (e.currentTarget.checked) next.add(d);
                  else next.delete(d);
                  setChosen(next);
                }}
              />
              {d}
            </label>
          ))}
        </fieldset>
      )}
      {role === 'admin' && <p class="notice notice--info">{t('console.admins.systemWarning')}</p>}
    </FormDialog>
  );
}
