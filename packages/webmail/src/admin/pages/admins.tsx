import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n/index.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { type Column, DataTable } from '../components/data-table.js';
import { useDomains } from '../components/domain-picker.js';
import { useToast } from '../components/toasts.js';
import { useCursorList } from '../components/use-list.js';
import { seg } from '../http.js';
import type { Page, User } from '../types.js';
import { GrantDialog } from './admin-grant.js';
import type { PageProps } from './types.js';

/** 管理员权限: who administers what; grant and revoke domain admin (system admin: only by a system admin). */
export function AdminsPage({ http, session }: PageProps) {
  const { t } = useI18n();
  const toast = useToast();
  const system = session.role === 'admin';
  const domains = useDomains(http);
  const [granting, setGranting] = useState<User | 'new' | null>(null);
  const [revoking, setRevoking] = useState<User | null>(null);
  const domainAdmins = useCursorList(
    (cursor) => http.get<Page<User>>('/users', { role: 'domain_admin', limit: 50, cursor }),
    'domain_admin',
  );
  const systemAdmins = useCursorList(
    (cursor) =>
      system
        ? http.get<Page<User>>('/users', { role: 'admin', limit: 50, cursor })
        : Promise.resolve({ items: [], nextCursor: null }),
    'admin',
  );
  const own = session.user.address;

  const userCell = (u: User) => (
    <>
      {u.address}
      {u.displayName && <span class="console-table__sub">{u.displayName}</span>}
    </>
  );
  const revokeButton = (u: User) =>
    u.address === own ? (
      <span class="console-muted">{t('console.admins.you')}</span>
    ) : (
      <button
        type="button"
        class="button button--small button--danger"
        aria-label={t('console.admins.revokeNamed', { name: u.address })}
        onClick={() => setRevoking(u)}
      >
        {t('console.admins.revoke')}
      </button>
    );

  const domainColumns: Column<User>[] = [
    { id: 'user', header: t('console.admins.user'), cell: userCell },
    { id: 'domains', header: t('console.admins.domains'), cell: (u) => u.adminDomains.join(', ') },
    {
      id: 'actions',
      header: t('console.actions'),
      align: 'end',
      cell: (u) => (
        <span class="console-actions">
          {u.address !== own && (
            <button
              type="button"
              class="button button--small"
              aria-label={t('console.admins.editNamed', { name: u.address })}
              onClick={() => setGranting(u)}
            >
              {t('console.admins.editDomains')}
            </button>
          )}
          {revokeButton(u)}
        </span>
      ),
    },
  ];
  const systemColumns: Column<User>[] = [
    { id: 'user', header: t('console.admins.user'), cell: userCell },
    { id: 'actions', header: t('console.actions'), align: 'end', cell: revokeButton },
  ];

  const reload = () => {
    domainAdmins.reload();
    systemAdmins.reload();
  };

  return (
    <>
      <p class="console-hint">{system ? t('console.admins.hintSystem') : t('console.admins.hintDomain')}</p>
      <div class="console-toolbar">
        <button
          type="button"
          class="button button--primary"
          onClick={() => setGranting('new')}
          disabled={!domains.data}
        >
          {t('console.admins.grant')}
        </button>
      </div>
      <section class="console-section" aria-labelledby="domain-admins">
        <h2 id="domain-admins">{t('console.role.domainAdmin')}</h2>
        <DataTable
          caption={t('console.role.domainAdmin')}
          columns={domainColumns}
          list={domainAdmins}
          rowKey={(u) => u.address}
          emptyText={t('console.admins.noneDomain')}
        />
      </section>
      {system && (
        <section class="console-section" aria-labelledby="system-admins">
          <h2 id="system-admins">{t('console.role.admin')}</h2>
          <DataTable
            caption={t('console.role.admin')}
            columns={systemColumns}
            list={systemAdmins}
            rowKey={(u) => u.address}
            emptyText={t('console.admins.noneSystem')}
          />
        </section>
      )}
      {granting && domains.data && (
        <GrantDialog
          http={http}
          session={session}
          domains={domains.data.map((d) => d.name)}
          user={granting === 'new' ? null : granting}
          onClose={() => setGranting(null)}
          onDone={(u) => {
            toast(
              u.role === 'admin'
                ? t('console.admins.grantedSystem', { name: u.address })
                : t('console.admins.granted', { name: u.address, domains: u.adminDomains.join(', ') }),
            );
            reload();
          }}
        />
      )}
      {revoking && (
        <ConfirmDialog
          title={t('console.admins.revokeTitle', { name: revoking.address })}
          confirmLabel={t('console.admins.revoke')}
          danger
          onClose={() => setRevoking(null)}
          onConfirm={async () => {
            await http.patch(`/users/${seg(revoking.address)}`, { role: 'user', adminDomains: [] });
            toast(t('console.admins.revoked', { name: revoking.address }));
            reload();
          }}
        >
          <p>{t('console.admins.revokeWarning')}</p>
        </ConfirmDialog>
      )}
    </>
  );
}
