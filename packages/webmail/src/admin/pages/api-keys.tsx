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

type ApiKey = components['schemas']['ApiKey'];
type Credentials = components['schemas']['ApiKeyCredentials'];

function CreateKey({
  http,
  session,
  onDone,
  onClose,
}: Pick<PageProps, 'http' | 'session'> & {
  onDone: (c: Credentials) => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  // A domain admin's keys are restricted to one of their domains (the server requires it).
  const [domain, setDomain] = useState(session.adminDomains[0] ?? '');
  const [scopes, setScopes] = useState<Set<string>>(new Set(['users:read']));
  return (
    <FormDialog
      title={t('admin.apiKeys.create')}
      submitLabel={t('admin.apiKeys.createSubmit')}
      onClose={onClose}
      onSubmit={async () => {
        if (!name.trim() || scopes.size === 0) throw new Error(t('admin.form.required'));
        onDone(
          await http.post<Credentials>('/api-keys', {
            name: name.trim(),
            scopes: [...scopes],
            domain: domain.trim() || null,
          }),
        );
      }}
    >
      <TextField
        id="key-name"
        label={t('admin.apiKeys.name')}
        value={name}
        onInput={(e) => setName(e.currentTarget.value)}
      />
      <TextField
        id="key-domain"
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

/** API keys: make one (shown once), list them with their last use, rotate, revoke with confirmation. */
export function ApiKeysPage({ http, session }: PageProps) {
  const { t, date } = useI18n();
  const toast = useToast();
  const [creating, setCreating] = useState(false);
  const [shown, setShown] = useState<{ title: string; key: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [rotating, setRotating] = useState<ApiKey | null>(null);
  const list = useCursorList(
    (cursor) => http.get<Page<ApiKey>>('/api-keys', { limit: 50, cursor }),
    'api-keys',
  );

  const columns: Column<ApiKey>[] = [
    {
      id: 'name',
      header: t('admin.apiKeys.name'),
      cell: (k) => (
        <>
          {k.name}
          <span class="console-table__sub">
            <code>{k.prefix}…</code>
          </span>
        </>
      ),
    },
    { id: 'scopes', header: t('admin.credential.scopes'), cell: (k) => k.scopes.join(', ') },
    {
      id: 'domain',
      header: t('admin.credential.domain'),
      cell: (k) => k.domain ?? t('admin.credential.allDomains'),
    },
    { id: 'created', header: t('admin.createdAt'), cell: (k) => date(k.createdAt) },
    {
      id: 'lastUsed',
      header: t('admin.lastUsed'),
      cell: (k) => (k.lastUsedAt ? date(k.lastUsedAt) : t('admin.never')),
    },
    {
      id: 'actions',
      header: t('admin.actions'),
      align: 'end',
      cell: (k) => (
        <span class="console-actions">
          {k.expiresAt ? (
            <span class="console-pill console-pill--warn">
              {t('admin.apiKeys.expires', { at: date(k.expiresAt) })}
            </span>
          ) : (
            <button
              type="button"
              class="button button--small"
              aria-label={t('admin.apiKeys.rotateNamed', { name: k.name })}
              onClick={() => setRotating(k)}
            >
              {t('admin.rotate')}
            </button>
          )}
          <button
            type="button"
            class="button button--small button--danger"
            aria-label={t('admin.apiKeys.revokeNamed', { name: k.name })}
            onClick={() => setRevoking(k)}
          >
            {t('admin.revoke')}
          </button>
        </span>
      ),
    },
  ];

  return (
    <>
      <div class="console-toolbar">
        <p class="console-muted">{t('admin.apiKeys.intro')}</p>
        <button type="button" class="button button--primary" onClick={() => setCreating(true)}>
          {t('admin.apiKeys.create')}
        </button>
      </div>
      <DataTable
        caption={t('admin.apiKeys.caption')}
        columns={columns}
        list={list}
        rowKey={(k) => k.id}
        emptyText={t('admin.apiKeys.none')}
      />
      {creating && (
        <CreateKey
          http={http}
          session={session}
          onClose={() => setCreating(false)}
          onDone={(c) => {
            list.reload();
            setShown({ title: t('admin.apiKeys.created', { name: c.apiKey.name }), key: c.key });
          }}
        />
      )}
      {rotating && (
        <ConfirmDialog
          title={t('admin.apiKeys.rotateTitle', { name: rotating.name })}
          confirmLabel={t('admin.rotate')}
          onClose={() => setRotating(null)}
          onConfirm={async () => {
            const c = await http.post<Credentials>(`/api-keys/${seg(rotating.id)}/rotate`, {});
            list.reload();
            setShown({ title: t('admin.apiKeys.rotated', { name: c.apiKey.name }), key: c.key });
          }}
        >
          <p>{t('admin.apiKeys.rotateBody')}</p>
        </ConfirmDialog>
      )}
      {revoking && (
        <ConfirmDialog
          title={t('admin.apiKeys.revokeTitle', { name: revoking.name })}
          confirmLabel={t('admin.revoke')}
          danger
          typeToConfirm={revoking.name}
          onClose={() => setRevoking(null)}
          onConfirm={async () => {
            await http.del(`/api-keys/${seg(revoking.id)}`);
            list.update((k) => k.id === revoking.id, null);
            toast(t('admin.apiKeys.revoked', { name: revoking.name }));
          }}
        >
          <p>{t('admin.apiKeys.revokeBody')}</p>
        </ConfirmDialog>
      )}
      {shown && (
        <SecretOnce
          title={shown.title}
          label={t('admin.apiKeys.key')}
          secret={shown.key}
          onClose={() => setShown(null)}
        />
      )}
    </>
  );
}
