import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n/index.js';
import { ConfirmDialog, FormDialog } from '../components/confirm-dialog.js';
import { TextField } from '../components/field.js';
import { flatten, loadGroupTree } from '../components/group-tree.js';
import { mbToQuota, QuotaUse, quotaToMb } from '../components/quota.js';
import { ErrorState, Loading } from '../components/states.js';
import { useToast } from '../components/toasts.js';
import { useLoad } from '../components/use-list.js';
import { seg } from '../http.js';
import { consolePath, onConsoleLink } from '../route.js';
import type { User } from '../types.js';
import type { PageProps } from './types.js';
import { useRoleText } from './users.js';

type Dialog = 'password' | 'sessions' | 'delete' | null;

function EditForm({
  http,
  user,
  domain,
  onSaved,
}: Pick<PageProps, 'http'> & { user: User; domain: string; onSaved: (u: User) => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const tree = useLoad(() => loadGroupTree(http, domain), domain);
  const [displayName, setDisplayName] = useState(user.displayName);
  const [quota, setQuota] = useState(String(quotaToMb(user.quotaBytes)));
  const [aliases, setAliases] = useState(user.aliases.join('\n'));
  const [departments, setDepartments] = useState(new Set(user.departments.map((d) => d.id)));
  const [quotaError, setQuotaError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const departmentRows = flatten(tree.data?.items ?? []).filter((g) => g.node.kind === 'department');

  async function save(event: Event) {
    event.preventDefault();
    if (!(Number(quota) >= 0) || quota.trim() === '') {
      setQuotaError(t('console.quota.invalid'));
      return;
    }
    setQuotaError(null);
    setBusy(true);
    try {
      const saved = await http.patch<User>(`/users/${seg(user.address)}`, {
        displayName: displayName.trim(),
        quotaBytes: mbToQuota(Number(quota)),
        aliases: aliases
          .split(/[\s,;]+/)
          .map((a) => a.trim())
          .filter(Boolean),
        ...(tree.data ? { departments: [...departments] } : {}),
      });
      onSaved(saved);
      toast(t('console.users.saved', { name: user.address }));
    } catch (e) {
      toast(
        e instanceof Error ? `${t('console.users.saveFailed')} ${e.message}` : t('console.users.saveFailed'),
        'error',
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="console-panel console-form" onSubmit={save} noValidate aria-labelledby="edit-title">
      <h2 id="edit-title">{t('console.users.editTitle')}</h2>
      <TextField
        id="user-name"
        label={t('console.users.displayName')}
        value={displayName}
        onInput={(e) => setDisplayName(e.currentTarget.value)}
      />
      <TextField
        id="user-quota"
        label={t('console.quota.mb')}
        hint={t('console.quota.hint')}
        type="number"
        min={0}
        value={quota}
        error={quotaError}
        onInput={(e) => setQuota(e.currentTarget.value)}
      />
      <div class="console-field">
        <label for="user-aliases">{t('console.users.aliases')}</label>
        <textarea
          id="user-aliases"
          rows={3}
          value={aliases}
          aria-describedby="user-aliases-hint"
          spellcheck={false}
          onInput={(e) => setAliases(e.currentTarget.value)}
        />
        <p id="user-aliases-hint" class="console-field__hint">
          {t('console.users.aliasesHint', { domain })}
        </p>
      </div>
      <fieldset class="console-checks">
        <legend>{t('console.users.departments')}</legend>
        {tree.error ? <ErrorState error={tree.error} onRetry={tree.reload} /> : null}
        {tree.data && departmentRows.length === 0 && (
          <p class="console-field__hint">{t('console.users.noDepartments')}</p>
        )}
        {departmentRows.map(({ node, depth }) => (
          <label key={node.id} style={{ paddingLeft: `${depth * 1.25}rem` }}>
            <input
              type="checkbox"
              checked={departments.has(node.id)}
              onChange={(e) => {
                const next = new Set(departments);
                if (e.currentTarget.checked) next.add(node.id);
                else next.delete(node.id);
                setDepartments(next);
              }}
            />
            {node.name}
          </label>
        ))}
      </fieldset>
      <button type="submit" class="button button--primary" disabled={busy} aria-busy={busy}>
        {t('common.save')}
      </button>
    </form>
  );
}

/** One user (`/admin/users/<domain>/<address>`): details, edit, disable/enable, reset password, end sessions, delete. */
export function UserDetail({
  http,
  domain,
  address,
  navigate,
}: PageProps & { domain: string; address: string }) {
  const { t, date } = useI18n();
  const toast = useToast();
  const roleText = useRoleText();
  const loaded = useLoad(() => http.get<User>(`/users/${seg(address)}`), address);
  const [user, setUser] = useState<User | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [password, setPassword] = useState('');
  const [passwordError, setPasswordError] = useState<string | null>(null);
  const back = consolePath('users', [domain]);
  const current = user ?? loaded.data;

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
          <button type="button" class="button" onClick={() => setEnabled(!current.enabled)}>
            {current.enabled ? t('console.users.disable') : t('console.users.enable')}
          </button>
          {current.source === null && (
            <button type="button" class="button" onClick={() => setDialog('password')}>
              {t('console.users.resetPassword')}
            </button>
          )}
          <button type="button" class="button" onClick={() => setDialog('sessions')}>
            {t('console.users.endSessions')}
          </button>
          <button type="button" class="button button--danger" onClick={() => setDialog('delete')}>
            {t('console.users.deleteConfirm')}
          </button>
        </div>
      </section>
      <EditForm key={current.updatedAt} http={http} user={current} domain={domain} onSaved={setUser} />
      {dialog === 'password' && (
        <FormDialog
          title={t('console.users.resetTitle', { name: current.address })}
          submitLabel={t('console.users.resetPassword')}
          onClose={() => {
            setDialog(null);
            setPassword('');
            setPasswordError(null);
          }}
          onSubmit={async () => {
            if (password.length < 8) {
              setPasswordError(t('console.users.passwordShort'));
              throw new Error(t('console.form.fix'));
            }
            setUser(await http.patch<User>(`/users/${seg(current.address)}`, { password }));
            toast(t('console.users.passwordReset', { name: current.address }));
          }}
        >
          <TextField
            id="reset-password"
            label={t('console.users.newPassword')}
            type="password"
            autoComplete="new-password"
            hint={t('console.users.passwordHint')}
            value={password}
            error={passwordError}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </FormDialog>
      )}
      {dialog === 'sessions' && (
        <ConfirmDialog
          title={t('console.users.endSessionsTitle', { name: current.address })}
          confirmLabel={t('console.users.endSessions')}
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            await http.del(`/users/${seg(current.address)}/sessions`);
            toast(t('console.users.sessionsEnded', { name: current.address }));
          }}
        >
          <p>{t('console.users.endSessionsWarning')}</p>
        </ConfirmDialog>
      )}
      {dialog === 'delete' && (
        <ConfirmDialog
          title={t('console.users.deleteTitle', { name: current.address })}
          confirmLabel={t('console.users.deleteConfirm')}
          typeToConfirm={current.address}
          danger
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            await http.del(`/users/${seg(current.address)}`);
            toast(t('console.users.deleted', { name: current.address }));
            navigate(back);
          }}
        >
          <p>{t('console.users.deleteWarning')}</p>
        </ConfirmDialog>
      )}
    </>
  );
}
