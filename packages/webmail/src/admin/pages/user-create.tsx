import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n/index.js';
import { FormDialog } from '../components/confirm-dialog.js';
import { TextField } from '../components/field.js';
import { mbToQuota } from '../components/quota.js';
import type { Http } from '../http.js';
import type { User } from '../types.js';

type Errors = Partial<Record<'local' | 'password' | 'quota', string>>;

/** 新建用户: address in the domain, display name, password, quota in MB (empty = the server's default). */
export function CreateUserDialog({
  http,
  domain,
  onClose,
  onCreated,
}: {
  http: Http;
  domain: string;
  onClose: () => void;
  onCreated: (user: User) => void;
}) {
  const { t } = useI18n();
  const [local, setLocal] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [quota, setQuota] = useState('');
  const [errors, setErrors] = useState<Errors>({});

  function check(): Errors {
    const found: Errors = {};
    if (!/^[^\s@]+$/.test(local.trim())) found.local = t('console.users.localInvalid');
    if (password.length < 8) found.password = t('console.users.passwordShort');
    if (quota.trim() && !(Number(quota) >= 0)) found.quota = t('console.quota.invalid');
    return found;
  }

  return (
    <FormDialog
      title={t('console.users.create')}
      submitLabel={t('console.users.createSubmit')}
      onClose={onClose}
      onSubmit={async () => {
        const found = check();
        setErrors(found);
        if (Object.keys(found).length) throw new Error(t('console.form.fix'));
        const user = await http.post<User>('/users', {
          address: `${local.trim()}@${domain}`,
          displayName: displayName.trim() || undefined,
          password,
          quotaBytes: quota.trim() ? mbToQuota(Number(quota)) : undefined,
        });
        onCreated(user);
      }}
    >
      <TextField
        id="new-user-local"
        label={t('console.users.address')}
        hint={t('console.users.addressHint', { domain })}
        value={local}
        error={errors.local}
        autoComplete="off"
        spellcheck={false}
        onInput={(e) => setLocal(e.currentTarget.value)}
      />
      <TextField
        id="new-user-name"
        label={t('console.users.displayName')}
        value={displayName}
        autoComplete="off"
        onInput={(e) => setDisplayName(e.currentTarget.value)}
      />
      <TextField
        id="new-user-password"
        label={t('console.users.password')}
        type="password"
        hint={t('console.users.passwordHint')}
        value={password}
        error={errors.password}
        autoComplete="new-password"
        onInput={(e) => setPassword(e.currentTarget.value)}
      />
      <TextField
        id="new-user-quota"
        label={t('console.quota.mb')}
        hint={t('console.quota.createHint')}
        type="number"
        min={0}
        value={quota}
        error={errors.quota}
        onInput={(e) => setQuota(e.currentTarget.value)}
      />
    </FormDialog>
  );
}
