import type { components } from '@jdmail/sdk';
import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n/index.js';
import { ConfirmDialog, FormDialog } from '../components/confirm-dialog.js';
import { type Column, DataTable } from '../components/data-table.js';
import { TextField } from '../components/field.js';
import { SecretOnce } from '../components/secret-once.js';
import { useToast } from '../components/toasts.js';
import { useCursorList } from '../components/use-list.js';
import { seg } from '../http.js';
import { consolePath, onConsoleLink } from '../route.js';
import type { Page } from '../types.js';
import type { PageProps } from './types.js';
import './ops.css';

type Endpoint = components['schemas']['WebhookEndpoint'];
type Secret = components['schemas']['WebhookSecret'];
type Attempt = components['schemas']['WebhookAttempt'];

function CreateWebhook({
  http,
  session,
  onDone,
  onClose,
}: Pick<PageProps, 'http' | 'session'> & {
  onDone: (s: Secret) => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const [url, setUrl] = useState('https://');
  const [description, setDescription] = useState('');
  const [types, setTypes] = useState('message.new');
  const [domain, setDomain] = useState(session.adminDomains[0] ?? '');
  return (
    <FormDialog
      title={t('admin.webhooks.create')}
      submitLabel={t('admin.webhooks.createSubmit')}
      onClose={onClose}
      onSubmit={async () => {
        const eventTypes = types.split(/[\s,]+/).filter(Boolean);
        if (!url.trim() || eventTypes.length === 0) throw new Error(t('admin.form.required'));
        onDone(
          await http.post<Secret>('/webhooks', {
            url: url.trim(),
            description: description.trim(),
            eventTypes,
            ...(domain.trim() ? { domain: domain.trim() } : {}),
          }),
        );
      }}
    >
      <TextField
        id="hook-url"
        type="url"
        label={t('admin.webhooks.url')}
        value={url}
        onInput={(e) => setUrl(e.currentTarget.value)}
      />
      <TextField
        id="hook-description"
        label={t('admin.webhooks.description')}
        value={description}
        onInput={(e) => setDescription(e.currentTarget.value)}
      />
      <TextField
        id="hook-types"
        label={t('admin.webhooks.eventTypes')}
        hint={t('admin.webhooks.eventTypesHint')}
        value={types}
        spellcheck={false}
        onInput={(e) => setTypes(e.currentTarget.value)}
      />
      <TextField
        id="hook-domain"
        label={t('admin.credential.domain')}
        hint={t('admin.credential.domainHint')}
        value={domain}
        spellcheck={false}
        onInput={(e) => setDomain(e.currentTarget.value)}
      />
    </FormDialog>
  );
}

/** One endpoint's delivery attempts, newest first. */
function Attempts({ http, id }: Pick<PageProps, 'http'> & { id: string }) {
  const { t, date } = useI18n();
  const list = useCursorList(
    (cursor) => http.get<Page<Attempt>>(`/webhooks/${seg(id)}/attempts`, { limit: 50, cursor }),
    id,
  );
  const back = consolePath('webhooks');
  const columns: Column<Attempt>[] = [
    {
      id: 'at',
      header: t('admin.webhooks.at'),
      cell: (a) => date(a.at, { dateStyle: 'short', timeStyle: 'medium' }),
    },
    { id: 'event', header: t('admin.webhooks.event'), cell: (a) => <code>{a.eventType}</code> },
    { id: 'attempt', header: t('admin.webhooks.attempt'), align: 'end', cell: (a) => a.attempt },
    {
      id: 'result',
      header: t('admin.status'),
      cell: (a) => (
        <>
          <span class={`console-pill console-pill--${a.ok ? 'ok' : 'bad'}`}>
            {a.status === null ? t('admin.webhooks.noAnswer') : `HTTP ${a.status}`}
          </span>
          {a.error && <span class="console-table__sub">{a.error}</span>}
        </>
      ),
    },
    { id: 'ms', header: t('admin.webhooks.duration'), align: 'end', cell: (a) => `${a.durationMs} ms` },
  ];
  return (
    <>
      <p class="console-breadcrumb">
        <a href={back} onClick={(e) => onConsoleLink(e, back)}>
          {t('admin.webhooks.title')}
        </a>
      </p>
      <h2>{t('admin.webhooks.attempts')}</h2>
      <DataTable
        caption={t('admin.webhooks.attempts')}
        columns={columns}
        list={list}
        rowKey={(a) => a.id}
        emptyText={t('admin.webhooks.noAttempts')}
      />
    </>
  );
}

/** Webhook endpoints: register (secret shown once), delivery state, attempts, rotate the secret, send a test, delete. */
export function WebhooksPage({ http, session, rest }: PageProps) {
  const { t, date } = useI18n();
  const toast = useToast();
  const [creating, setCreating] = useState(false);
  const [shown, setShown] = useState<{ title: string; secret: string } | null>(null);
  const [rotating, setRotating] = useState<Endpoint | null>(null);
  const [deleting, setDeleting] = useState<Endpoint | null>(null);
  const list = useCursorList(
    (cursor) => http.get<Page<Endpoint>>('/webhooks', { limit: 50, cursor }),
    'webhooks',
  );
  if (rest[0]) return <Attempts http={http} id={rest[0]} />;

  async function sendTest(e: Endpoint) {
    try {
      const r = await http.post<{ ok: boolean; status: number | null }>(`/webhooks/${seg(e.id)}/test`);
      toast(
        r.ok ? t('admin.webhooks.testOk', { status: r.status ?? '' }) : t('admin.webhooks.testFailed'),
        r.ok ? 'success' : 'error',
      );
    } catch {
      toast(t('admin.webhooks.testFailed'), 'error');
    }
  }
  const columns: Column<Endpoint>[] = [
    {
      id: 'url',
      header: t('admin.webhooks.url'),
      cell: (e) => (
        <>
          <code>{e.url}</code>
          {e.description && <span class="console-table__sub">{e.description}</span>}
        </>
      ),
    },
    { id: 'types', header: t('admin.webhooks.eventTypes'), cell: (e) => e.eventTypes.join(', ') },
    {
      id: 'state',
      header: t('admin.status'),
      cell: (e) => (
        <>
          <span class={`console-pill console-pill--${!e.enabled ? 'bad' : e.failures > 0 ? 'warn' : 'ok'}`}>
            {!e.enabled
              ? t('admin.disabled')
              : e.failures > 0
                ? t('admin.webhooks.failing', { n: e.failures })
                : t('admin.enabled')}
          </span>
          {e.failingSince && (
            <span class="console-table__sub">
              {t('admin.webhooks.failingSince', { at: date(e.failingSince) })}
            </span>
          )}
        </>
      ),
    },
    {
      id: 'actions',
      header: t('admin.actions'),
      align: 'end',
      cell: (e) => {
        const href = consolePath('webhooks', [e.id]);
        return (
          <span class="console-actions">
            <a class="button button--small" href={href} onClick={(ev) => onConsoleLink(ev, href)}>
              {t('admin.webhooks.attempts')}
            </a>
            <button type="button" class="button button--small" onClick={() => sendTest(e)}>
              {t('admin.webhooks.test')}
            </button>
            <button type="button" class="button button--small" onClick={() => setRotating(e)}>
              {t('admin.rotate')}
            </button>
            <button type="button" class="button button--small button--danger" onClick={() => setDeleting(e)}>
              {t('admin.delete')}
            </button>
          </span>
        );
      },
    },
  ];

  return (
    <>
      <div class="console-toolbar">
        <p class="console-muted">{t('admin.webhooks.intro')}</p>
        <button type="button" class="button button--primary" onClick={() => setCreating(true)}>
          {t('admin.webhooks.create')}
        </button>
      </div>
      <DataTable
        caption={t('admin.webhooks.caption')}
        columns={columns}
        list={list}
        rowKey={(e) => e.id}
        emptyText={t('admin.webhooks.none')}
      />
      {creating && (
        <CreateWebhook
          http={http}
          session={session}
          onClose={() => setCreating(false)}
          onDone={(s) => {
            list.reload();
            setShown({ title: t('admin.webhooks.created'), secret: s.secret });
          }}
        />
      )}
      {rotating && (
        <ConfirmDialog
          title={t('admin.webhooks.rotateTitle')}
          confirmLabel={t('admin.rotate')}
          onClose={() => setRotating(null)}
          onConfirm={async () => {
            const s = await http.post<Secret>(`/webhooks/${seg(rotating.id)}/rotate-secret`, {});
            list.reload();
            setShown({ title: t('admin.webhooks.rotated'), secret: s.secret });
          }}
        >
          <p>{t('admin.webhooks.rotateBody')}</p>
        </ConfirmDialog>
      )}
      {deleting && (
        <ConfirmDialog
          title={t('admin.webhooks.deleteTitle')}
          confirmLabel={t('admin.delete')}
          danger
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await http.del(`/webhooks/${seg(deleting.id)}`);
            list.update((e) => e.id === deleting.id, null);
            toast(t('admin.webhooks.deleted'));
          }}
        >
          <p>
            <code>{deleting.url}</code>
          </p>
        </ConfirmDialog>
      )}
      {shown && (
        <SecretOnce
          title={shown.title}
          label={t('admin.webhooks.secret')}
          secret={shown.secret}
          onClose={() => setShown(null)}
        />
      )}
    </>
  );
}
