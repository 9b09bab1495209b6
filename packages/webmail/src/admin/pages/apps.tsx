import type { components } from '@jdmail/sdk';
import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n/index.js';
import { ConfirmDialog, FormDialog } from '../components/confirm-dialog.js';
import { type Column, DataTable } from '../components/data-table.js';
import { TextField } from '../components/field.js';
import { ScopeChecks, SecretOnce } from '../components/secret-once.js';
import { useToast } from '../components/toasts.js';
import { useCursorList } from '../components/use-list.js';
import { seg } from '../http.js';
import type { Page } from '../types.js';
import type { PageProps } from './types.js';
import './ops.css';

type App = components['schemas']['App'];
type AppCredentials = components['schemas']['AppCredentials'];

function CreateApp({
  http,
  session,
  onDone,
  onClose,
}: Pick<PageProps, 'http' | 'session'> & {
  onDone: (c: AppCredentials) => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [domain, setDomain] = useState(session.adminDomains[0] ?? '');
  const [scopes, setScopes] = useState<Set<string>>(new Set(['users:read', 'mail:read']));
  return (
    <FormDialog
      title={t('admin.apps.create')}
      submitLabel={t('admin.apps.createSubmit')}
      onClose={onClose}
      onSubmit={async () => {
        if (!name.trim() || scopes.size === 0) throw new Error(t('admin.form.required'));
        onDone(
          await http.post<AppCredentials>('/apps', {
            name: name.trim(),
            scopes: [...scopes],
            domain: domain.trim() || null,
          }),
        );
      }}
    >
      <TextField
        id="app-name"
        label={t('admin.apps.name')}
        value={name}
        onInput={(e) => setName(e.currentTarget.value)}
      />
      <TextField
        id="app-domain"
        label={t('admin.credential.domain')}
        hint={t('admin.credential.domainHint')}
        value={domain}
        spellcheck={false}
        onInput={(e) => setDomain(e.currentTarget.value)}
      />
      <ScopeChecks legend={t('admin.credential.scopes')} selected={scopes} onChange={setScopes} />
    </FormDialog>
  );
}

/** Apps (OAuth client credentials): register one (secret shown once), last use, rotate the secret, delete. */
export function AppsPage({ http, session }: PageProps) {
  const { t, date } = useI18n();
  const toast = useToast();
  const [creating, setCreating] = useState(false);
  const [shown, setShown] = useState<{ title: string; clientId: string; secret: string } | null>(null);
  const [rotating, setRotating] = useState<App | null>(null);
  const [deleting, setDeleting] = useState<App | null>(null);
  const list = useCursorList((cursor) => http.get<Page<App>>('/apps', { limit: 50, cursor }), 'apps');

  const columns: Column<App>[] = [
    {
      id: 'name',
      header: t('admin.apps.name'),
      cell: (a) => (
        <>
          {a.name}
          <span class="console-table__sub">
            <code>{a.clientId}</code>
          </span>
        </>
      ),
    },
    { id: 'scopes', header: t('admin.credential.scopes'), cell: (a) => a.scopes.join(', ') },
    {
      id: 'domain',
      header: t('admin.credential.domain'),
      cell: (a) => a.domain ?? t('admin.credential.allDomains'),
    },
    {
      id: 'state',
      header: t('admin.status'),
      cell: (a) => (
        <span class={`console-pill console-pill--${a.enabled ? 'ok' : 'bad'}`}>
          {a.enabled ? t('admin.enabled') : t('admin.disabled')}
        </span>
      ),
    },
    {
      id: 'lastUsed',
      header: t('admin.lastUsed'),
      cell: (a) => (a.lastUsedAt ? date(a.lastUsedAt) : t('admin.never')),
    },
    {
      id: 'actions',
      header: t('admin.actions'),
      align: 'end',
      cell: (a) => (
        <span class="console-actions">
          <button
            type="button"
            class="button button--small"
            aria-label={t('admin.apps.rotateNamed', { name: a.name })}
            onClick={() => setRotating(a)}
          >
            {t('admin.apps.rotateSecret')}
          </button>
          <button
            type="button"
            class="button button--small button--danger"
            aria-label={t('admin.apps.deleteNamed', { name: a.name })}
            onClick={() => setDeleting(a)}
          >
            {t('admin.delete')}
          </button>
        </span>
      ),
    },
  ];

  return (
    <>
      <div class="console-toolbar">
        <p class="console-muted">{t('admin.apps.intro')}</p>
        <button type="button" class="button button--primary" onClick={() => setCreating(true)}>
          {t('admin.apps.create')}
        </button>
      </div>
      <DataTable
        caption={t('admin.apps.caption')}
        columns={columns}
        list={list}
        rowKey={(a) => a.clientId}
        emptyText={t('admin.apps.none')}
      />
      {creating && (
        <CreateApp
          http={http}
          session={session}
          onClose={() => setCreating(false)}
          onDone={(c) => {
            list.reload();
            setShown({
              title: t('admin.apps.created', { name: c.app.name }),
              clientId: c.app.clientId,
              secret: c.clientSecret,
            });
          }}
        />
      )}
      {rotating && (
        <ConfirmDialog
          title={t('admin.apps.rotateTitle', { name: rotating.name })}
          confirmLabel={t('admin.apps.rotateSecret')}
          onClose={() => setRotating(null)}
          onConfirm={async () => {
            const c = await http.post<AppCredentials>(`/apps/${seg(rotating.clientId)}/rotate-secret`);
            list.reload();
            setShown({
              title: t('admin.apps.rotated', { name: c.app.name }),
              clientId: c.app.clientId,
              secret: c.clientSecret,
            });
          }}
        >
          <p>{t('admin.apps.rotateBody')}</p>
        </ConfirmDialog>
      )}
      {deleting && (
        <ConfirmDialog
          title={t('admin.apps.deleteTitle', { name: deleting.name })}
          confirmLabel={t('admin.delete')}
          danger
          typeToConfirm={deleting.name}
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await http.del(`/apps/${seg(deleting.clientId)}`);
            list.update((a) => a.clientId === deleting.clientId, null);
            toast(t('admin.apps.deleted', { name: deleting.name }));
          }}
        >
          <p>{t('admin.apps.deleteBody')}</p>
        </ConfirmDialog>
      )}
      {shown && (
        <SecretOnce
          title={shown.title}
          label={t('admin.apps.secret')}
          secret={shown.secret}
          extra={{ label: t('admin.apps.clientId'), value: shown.clientId }}
          onClose={() => setShown(null)}
        />
      )}
    </>
  );
}
