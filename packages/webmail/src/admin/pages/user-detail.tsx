import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n/index.js';
import { QuotaUse } from '../components/quota.js';
import { useRoleText } from '../components/roles.js';
import { ErrorState, Loading } from '../components/states.js';
import { useToast } from '../components/toasts.js';
import { useLoad } from '../components/use-list.js';
import { seg } from '../http.js';
import { consolePath, onConsoleLink } from '../route.js';
import type { User } from '../types.js';
import type { PageProps } from './types.js';
import { DeleteUserDialog, EndSessionsDialog, ResetPasswordDialog } from './user-dialogs.js';
import { UserEditForm } from './user-edit.js';

type Dialog = 'password' | 'sessions' | 'delete' | null;

/** One user (`/admin/users/<domain>/<address>`): details, edit, disable/enable, reset password, end sessions, delete. */
export function UserDetail({
  http,
  domain,
  address,
  navigate,
  session,
}: PageProps & { domain: string; address: string }) {
  const { t, date } = useI18n();
  const toast = useToast();
  const roleText = useRoleText();
  const loaded = useLoad(() => http.get<User>(`/users/${seg(address)}`), address);
  const [user, setUser] = useState<User | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const back = consolePath('users', [domain]);
  const current = user ?? loaded.data;
  // Disabling or deleting yourself would lock you out of the console mid-session.
  const self = current?.address === session.user.address;

  const crumb = (
    <p class="console-breadcrumb">
      <a href={back} onClick={(e) => onConsoleLink(e, back)}>
        {t('console.users.backTo', { domain })}
      </a>
    </p>
  );
  if (loaded.error)
    return (
      <>
        {crumb}
        <ErrorState error={loaded.error} onRetry={loaded.reload} />
      </>
    );
  if (!current)
    return (
      <>
        {crumb}
        <Loading />
      </>
    );

  async function setEnabled(enabled: boolean) {
    if (!current) return;
    try {
      setUser(await http.post<User>(`/users/${seg(current.address)}/${enabled ? 'enable' : 'disable'}`));
      toast(t(enabled ? 'console.users.enabledNow' : 'console.users.disabledNow', { name: current.address }));
    } catch (e) {
      toast(e instanceof Error ? e.message : String(e), 'error');
    }
  }

  return (
    <>
      {crumb}
      <section class="console-panel" aria-labelledby="user-title">
        <div class="console-panel__head">
          <h2 id="user-title">
            {current.displayName || current.address}{' '}
            <span
              class={`console-pill console-pill--${current.enabled ? 'ok' : 'bad'}`}
              data-testid="user-state"
            >
              {current.enabled ? t('console.users.enabled') : t('console.users.disabled')}
            </span>
          </h2>
        </div>
        <dl class="console-facts">
          <dt>{t('console.users.address')}</dt>
          <dd>{current.address}</dd>
          <dt>{t('console.users.role')}</dt>
          <dd>{roleText(current.role)}</dd>
          <dt>{t('console.quota.title')}</dt>
          <dd>
            <QuotaUse used={current.usedBytes} quota={current.quotaBytes} />
          </dd>
          <dt>{t('console.users.source')}</dt>
          <dd>{current.source ?? t('console.users.local')}</dd>
          <dt>{t('console.createdAt')}</dt>
          <dd>{date(current.createdAt)}</dd>
        </dl>
        <div class="console-actions console-actions--start">
          {!self && (
            <button type="button" class="button" onClick={() => setEnabled(!current.enabled)}>
              {current.enabled ? t('console.users.disable') : t('console.users.enable')}
            </button>
          )}
          {current.source === null && (
            <button type="button" class="button" onClick={() => setDialog('password')}>
              {t('console.users.resetPassword')}
            </button>
          )}
          <button type="button" class="button" onClick={() => setDialog('sessions')}>
            {t('console.users.endSessions')}
          </button>
          {!self && (
            <button type="button" class="button button--danger" onClick={() => setDialog('delete')}>
              {t('console.users.deleteConfirm')}
            </button>
          )}
        </div>
      </section>
      <UserEditForm key={current.updatedAt} http={http} user={current} domain={domain} onSaved={setUser} />
      {dialog === 'password' && (
        <ResetPasswordDialog http={http} user={current} onClose={() => setDialog(null)} onDone={setUser} />
      )}
      {dialog === 'sessions' && (
        <EndSessionsDialog http={http} user={current} onClose={() => setDialog(null)} />
      )}
      {dialog === 'delete' && (
        <DeleteUserDialog
          http={http}
          user={current}
          onClose={() => setDialog(null)}
          onDeleted={() => navigate(back)}
        />
      )}
    </>
  );
}
