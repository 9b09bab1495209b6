import { useCallback, useState } from 'preact/hooks';
import { useI18n } from '../../i18n/index.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { type Column, DataTable } from '../components/data-table.js';
import { DomainScope } from '../components/domain-picker.js';
import { QuotaUse } from '../components/quota.js';
import { useRoleText } from '../components/roles.js';
import { useToast } from '../components/toasts.js';
import { useCursorList } from '../components/use-list.js';
import { seg } from '../http.js';
import { consolePath, onConsoleLink } from '../route.js';
import type { Page, User } from '../types.js';
import type { PageProps } from './types.js';
import { CreateUserDialog } from './user-create.js';
import { UserDetail } from './user-detail.js';

function UserList({ http, session, domain, query, navigate }: PageProps & { domain: string }) {
  const { t } = useI18n();
  const toast = useToast();
  const roleText = useRoleText();
  const q = query.get('q') ?? '';
  const [draft, setDraft] = useState(q);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<User | null>(null);
  const list = useCursorList(
    (cursor) => http.get<Page<User>>('/users', { domain, q, limit: 50, cursor }),
    `${domain}|${q}`,
  );

  const columns: Column<User>[] = [
    {
      id: 'user',
      header: t('console.users.user'),
      cell: (u) => {
        const href = consolePath('users', [domain, u.address]);
        return (
          <>
            <a href={href} onClick={(e) => onConsoleLink(e, href)}>
              {u.address}
            </a>
            {u.displayName && <span class="console-table__sub">{u.displayName}</span>}
          </>
        );
      },
    },
    {
      id: 'status',
      header: t('console.users.status'),
      cell: (u) => (
        <span class={`console-pill console-pill--${u.enabled ? 'ok' : 'bad'}`}>
          {u.enabled ? t('console.users.enabled') : t('console.users.disabled')}
        </span>
      ),
    },
    { id: 'role', header: t('console.users.role'), cell: (u) => roleText(u.role) },
    {
      id: 'quota',
      header: t('console.quota.title'),
      cell: (u) => <QuotaUse used={u.usedBytes} quota={u.quotaBytes} />,
    },
    {
      id: 'actions',
      header: t('console.actions'),
      align: 'end',
      cell: (u) => {
        const href = consolePath('users', [domain, u.address]);
        return (
          <span class="console-actions">
            <a
              class="button button--small"
              href={href}
              aria-label={t('console.users.editNamed', { name: u.address })}
              onClick={(e) => onConsoleLink(e, href)}
            >
              {t('console.users.edit')}
            </a>
            {u.address !== session.user.address && (
              <button
                type="button"
                class="button button--small button--danger"
                aria-label={t('console.users.deleteNamed', { name: u.address })}
                onClick={() => setDeleting(u)}
              >
                {t('console.delete')}
              </button>
            )}
          </span>
        );
      },
    },
  ];

  return (
    <>
      <div class="console-toolbar">
        <form
          class="console-search"
          onSubmit={(e) => {
            e.preventDefault();
            navigate(consolePath('users', [domain], { q: draft.trim() }), { replace: true });
          }}
        >
          <label for="user-search" class="sr-only">
            {t('console.users.search')}
          </label>
          <input
            id="user-search"
            type="search"
            value={draft}
            placeholder={t('console.users.searchPlaceholder')}
            onInput={(e) => setDraft(e.currentTarget.value)}
          />
          <button type="submit" class="button">
            {t('console.users.search')}
          </button>
        </form>
        <button type="button" class="button button--primary" onClick={() => setCreating(true)}>
          {t('console.users.create')}
        </button>
      </div>
      <DataTable
        caption={t('console.users.caption', { domain })}
        columns={columns}
        list={list}
        rowKey={(u) => u.address}
        emptyText={q ? t('console.users.noMatch', { q }) : t('console.users.none')}
      />
      {creating && (
        <CreateUserDialog
          http={http}
          domain={domain}
          onClose={() => setCreating(false)}
          onCreated={(u) => {
            toast(t('console.users.created', { name: u.address }));
            list.reload();
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={t('console.users.deleteTitle', { name: deleting.address })}
          confirmLabel={t('console.users.deleteConfirm')}
          typeToConfirm={deleting.address}
          danger
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await http.del(`/users/${seg(deleting.address)}`);
            list.update((u) => u.address === deleting.address, null);
            toast(t('console.users.deleted', { name: deleting.address }));
          }}
        >
          <p>{t('console.users.deleteWarning')}</p>
        </ConfirmDialog>
      )}
    </>
  );
}

/** Users of one domain: search, create, and per user (`/admin/users/<domain>/<address>`) edit and actions. */
export function UsersPage(props: PageProps) {
  const { rest, navigate } = props;
  const select = useCallback(
    (domain: string, replace: boolean) => navigate(consolePath('users', [domain]), { replace }),
    [navigate],
  );
  if (rest[0] && rest[1]) return <UserDetail {...props} domain={rest[0]} address={rest[1]} />;
  return (
    <DomainScope http={props.http} selected={rest[0]} onSelect={select}>
      {(domain) => <UserList key={domain} {...props} domain={domain} />}
    </DomainScope>
  );
}
