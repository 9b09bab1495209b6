import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n/index.js';
import { TextField } from '../components/field.js';
import { flatten, loadGroupTree } from '../components/group-tree.js';
import { mbToQuota, quotaToMb } from '../components/quota.js';
import { ErrorState } from '../components/states.js';
import { useToast } from '../components/toasts.js';
import { useLoad } from '../components/use-list.js';
import { seg } from '../http.js';
import type { User } from '../types.js';
import type { PageProps } from './types.js';

/** 基本资料: display name, quota, aliases and departments of one user, saved with one PATCH. */
export function UserEditForm({
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
