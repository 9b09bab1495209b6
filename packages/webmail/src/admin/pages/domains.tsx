import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n/index.js';
import { ConfirmDialog, FormDialog } from '../components/confirm-dialog.js';
import { type Column, DataTable } from '../components/data-table.js';
import { TextField } from '../components/field.js';
import { useToast } from '../components/toasts.js';
import { useCursorList } from '../components/use-list.js';
import { seg } from '../http.js';
import { consolePath, onConsoleLink } from '../route.js';
import type { Domain, Page } from '../types.js';
import { DomainDnsView } from './domain-dns.js';
import type { PageProps } from './types.js';

function AddDomain({
  http,
  onDone,
  onClose,
}: Pick<PageProps, 'http'> & { onDone: (d: Domain) => void; onClose: () => void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <FormDialog
      title={t('console.domains.add')}
      submitLabel={t('console.domains.addSubmit')}
      onClose={onClose}
      onSubmit={async () => {
        if (!name.trim()) {
          setError(t('console.domains.nameRequired'));
          throw new Error(t('console.domains.nameRequired'));
        }
        onDone(await http.post<Domain>('/domains', { name: name.trim() }));
      }}
    >
      <TextField
        id="domain-name"
        label={t('console.domains.name')}
        hint={t('console.domains.nameHint')}
        value={name}
        error={error}
        autoComplete="off"
        spellcheck={false}
        onInput={(e) => {
          setName(e.currentTarget.value);
          setError(null);
        }}
      />
    </FormDialog>
  );
}

/** Domains: the list, adding one (system admins), its DNS records and DKIM key, deleting it with its name typed. */
export function DomainsPage(props: PageProps) {
  const { http, session, rest, navigate } = props;
  const { t, date } = useI18n();
  const toast = useToast();
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<Domain | null>(null);
  const list = useCursorList(
    (cursor) => http.get<Page<Domain>>('/domains', { limit: 50, cursor }),
    'domains',
  );
  const system = session.role === 'admin';

  if (rest[0]) return <DomainDnsView {...props} domain={rest[0]} />;

  const columns: Column<Domain>[] = [
    {
      id: 'name',
      header: t('console.domains.name'),
      cell: (d) => {
        const href = consolePath('domains', [d.name]);
        return (
          <a href={href} onClick={(e) => onConsoleLink(e, href)}>
            {d.name}
          </a>
        );
      },
    },
    { id: 'created', header: t('console.createdAt'), cell: (d) => date(d.createdAt) },
    {
      id: 'actions',
      header: t('console.actions'),
      align: 'end',
      cell: (d) => (
        <span class="console-actions">
          <a
            class="button button--small"
            href={consolePath('users', [d.name])}
            onClick={(e) => onConsoleLink(e, consolePath('users', [d.name]))}
          >
            {t('console.nav.users')}
          </a>
          {system && (
            <button
              type="button"
              class="button button--small button--danger"
              aria-label={t('console.domains.deleteNamed', { name: d.name })}
              onClick={() => setDeleting(d)}
            >
              {t('console.delete')}
            </button>
          )}
        </span>
      ),
    },
  ];

  return (
    <>
      {system && (
        <div class="console-toolbar">
          <button type="button" class="button button--primary" onClick={() => setAdding(true)}>
            {t('console.domains.add')}
          </button>
        </div>
      )}
      <DataTable
        caption={t('console.nav.domains')}
        columns={columns}
        list={list}
        rowKey={(d) => d.name}
        emptyText={t('console.domains.none')}
      />
      {adding && (
        <AddDomain
          http={http}
          onClose={() => setAdding(false)}
          onDone={(d) => {
            toast(t('console.domains.added', { name: d.name }));
            list.reload();
            navigate(consolePath('domains', [d.name]));
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={t('console.domains.deleteTitle', { name: deleting.name })}
          confirmLabel={t('console.domains.deleteConfirm')}
          typeToConfirm={deleting.name}
          danger
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await http.del(`/domains/${seg(deleting.name)}`);
            list.update((d) => d.name === deleting.name, null);
            toast(t('console.domains.deleted', { name: deleting.name }));
          }}
        >
          <p>{t('console.domains.deleteWarning')}</p>
        </ConfirmDialog>
      )}
    </>
  );
}
