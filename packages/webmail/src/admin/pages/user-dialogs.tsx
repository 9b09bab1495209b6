import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n/index.js';
import { ConfirmDialog, FormDialog } from '../components/confirm-dialog.js';
import { TextField } from '../components/field.js';
import { useToast } from '../components/toasts.js';
import { type Http, seg } from '../http.js';
import type { User } from '../types.js';

interface Props {
  http: Http;
  user: User;
  onClose: () => void;
}

/** 重置密码: a new password for a local user (`PATCH /users/{a}` password). */
export function ResetPasswordDialog({ http, user, onClose, onDone }: Props & { onDone: (u: User) => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <FormDialog
      title={t('console.users.resetTitle', { name: user.address })}
      submitLabel={t('console.users.resetPassword')}
      onClose={onClose}
      onSubmit={async () => {
        if (password.length < 8) {
          setError(t('console.users.passwordShort'));
          throw new Error(t('console.form.fix'));
        }
        onDone(await http.patch<User>(`/users/${seg(user.address)}`, { password }));
        toast(t('console.users.passwordReset', { name: user.address }));
      }}
    >
      <TextField
        id="reset-password"
        label={t('console.users.newPassword')}
        type="password"
        autoComplete="new-password"
        hint={t('console.users.passwordHint')}
        value={password}
        error={error}
        onInput={(e) => setPassword(e.currentTarget.value)}
      />
    </FormDialog>
  );
}

/** 强制下线: ends every session of the user (`DELETE /users/{a}/sessions`). */
export function EndSessionsDialog({ http, user, onClose }: Props) {
  const { t } = useI18n();
  const toast = useToast();
  return (
    <ConfirmDialog
      title={t('console.users.endSessionsTitle', { name: user.address })}
      confirmLabel={t('console.users.endSessions')}
      onClose={onClose}
      onConfirm={async () => {
        await http.del(`/users/${seg(user.address)}/sessions`);
        toast(t('console.users.sessionsEnded', { name: user.address }));
      }}
    >
      <p>{t('console.users.endSessionsWarning')}</p>
    </ConfirmDialog>
  );
}

/** 删除用户: only once the address is typed (`DELETE /users/{a}`). */
export function DeleteUserDialog({ http, user, onClose, onDeleted }: Props & { onDeleted: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  return (
    <ConfirmDialog
      title={t('console.users.deleteTitle', { name: user.address })}
      confirmLabel={t('console.users.deleteConfirm')}
      typeToConfirm={user.address}
      danger
      onClose={onClose}
      onConfirm={async () => {
        await http.del(`/users/${seg(user.address)}`);
        toast(t('console.users.deleted', { name: user.address }));
        onDeleted();
      }}
    >
      <p>{t('console.users.deleteWarning')}</p>
    </ConfirmDialog>
  );
}
