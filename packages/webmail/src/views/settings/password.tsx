import { useState } from 'preact/hooks';
import { type Api, ApiError } from '../../api/client.js';
import { formatWait, textOf } from '../../api/messages.js';
import type { UserSettings } from '../../api/types.js';
import { useI18n } from '../../i18n/index.js';
import { useAnnounce } from '../live.js';
import { describedBy, Field, type FieldErrors } from './form.js';

/** The own password change, for local users; directory and SSO users are told where to change it. */
export function PasswordSection(props: { api: Api; address: string; settings: UserSettings }) {
  const { t } = useI18n();
  const announce = useAnnounce();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  if (!props.settings.canChangePassword)
    return (
      <div class="settings__form">
        <p class="notice notice--info" data-testid="password-external">
          {t('settings.password.external')}
        </p>
      </div>
    );

  const submit = async (e: Event) => {
    e.preventDefault();
    setDone(null);
    setFailure(null);
    const local: FieldErrors = {};
    if (next.length < 8) local.newPassword = t('settings.password.tooShort');
    else if (next !== confirm) local.confirm = t('settings.password.mismatch');
    setErrors(local);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      const { endedSessions } = await props.api.changePassword(props.address, current, next);
      const message = t('settings.password.changed', { n: endedSessions });
      setDone(message);
      announce(message);
      setCurrent('');
      setNext('');
      setConfirm('');
    } catch (err) {
      if (err instanceof ApiError && err.code === 'CURRENT_PASSWORD_WRONG')
        setErrors({ currentPassword: t('settings.password.wrong') });
      else if (err instanceof ApiError && err.status === 429)
        setFailure(t('settings.password.wait', { wait: textOf(t, formatWait(err.retryAfter ?? 60)) }));
      else if (err instanceof ApiError && err.status === 422)
        setErrors({ newPassword: t('settings.password.tooShort') });
      else setFailure(t('settings.notSaved'));
    } finally {
      setBusy(false);
    }
  };

  const password = (
    id: string,
    field: string,
    label: string,
    value: string,
    set: (v: string) => void,
    hint?: string,
  ) => (
    <Field id={id} label={label} hint={hint} error={errors[field]}>
      <input
        id={id}
        type="password"
        autoComplete={field === 'currentPassword' ? 'current-password' : 'new-password'}
        value={value}
        required
        aria-invalid={errors[field] ? true : undefined}
        aria-describedby={describedBy(id, !!hint, errors[field])}
        onInput={(e) => set((e.currentTarget as HTMLInputElement).value)}
      />
    </Field>
  );

  return (
    <form class="settings__form" onSubmit={submit} noValidate>
      <p class="settings__intro">{t('settings.password.intro')}</p>
      {/* A hidden username lets password managers store the new password for the right account. */}
      <input type="email" autoComplete="username" value={props.address} readOnly hidden />
      {password(
        'settings-pw-current',
        'currentPassword',
        t('settings.password.current'),
        current,
        setCurrent,
      )}
      {password(
        'settings-pw-new',
        'newPassword',
        t('settings.password.new'),
        next,
        setNext,
        t('settings.password.newHint'),
      )}
      {password('settings-pw-confirm', 'confirm', t('settings.password.confirm'), confirm, setConfirm)}
      <div class="settings__save">
        {failure && (
          <p class="notice notice--error" role="alert">
            {failure}
          </p>
        )}
        <button type="submit" class="button button--primary" disabled={busy}>
          {busy ? t('settings.password.changing') : t('settings.password.submit')}
        </button>
        {done && (
          <p class="settings__saved" data-testid="password-changed">
            <span aria-hidden="true">✓ </span>
            {done}
          </p>
        )}
      </div>
    </form>
  );
}
