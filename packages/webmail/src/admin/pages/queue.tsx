import type { components } from '@jdmail/sdk';
import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n/index.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { type Column, DataTable } from '../components/data-table.js';
import { useToast } from '../components/toasts.js';
import { useCursorList } from '../components/use-list.js';
import { seg } from '../http.js';
import { consolePath } from '../route.js';
import type { Page } from '../types.js';
import type { PageProps } from './types.js';
import './ops.css';

type Entry = components['schemas']['QueueEntry'];
const STATES = ['', 'queued', 'sending', 'deferred'] as const;

/** The outbound queue: entries by state, their last error, retry now, delete (optionally bouncing to the sender). */
export function QueuePage({ http, query, navigate }: PageProps) {
  const { t, date, size } = useI18n();
  const toast = useToast();
  const state = query.get('state') ?? '';
  const [deleting, setDeleting] = useState<Entry | null>(null);
  const [bounce, setBounce] = useState(true);
  const list = useCursorList(
    (cursor) => http.get<Page<Entry>>('/queue', { state, limit: 50, cursor }),
    `queue:${state}`,
  );

  const columns: Column<Entry>[] = [
    {
      id: 'message',
      header: t('admin.queue.message'),
      cell: (e) => (
        <>
          {e.subject || t('admin.queue.noSubject')}
          <span class="console-table__sub">
            {e.sender || '<>'} → {e.recipients.map((r) => r.address).join(', ')}
          </span>
        </>
      ),
    },
    { id: 'domain', header: t('admin.queue.domain'), cell: (e) => e.domain },
    {
      id: 'state',
      header: t('admin.status'),
      cell: (e) => (
        <>
          <span class={`console-pill console-pill--${e.state === 'deferred' ? 'warn' : 'ok'}`}>
            {t(`admin.queue.state.${e.state}`)}
          </span>
          {e.lastError && <span class="console-table__sub">{e.lastError.response}</span>}
        </>
      ),
    },
    { id: 'attempts', header: t('admin.queue.attempts'), align: 'end', cell: (e) => e.attempts },
    { id: 'next', header: t('admin.queue.nextAttempt'), cell: (e) => date(e.nextAttemptAt) },
    { id: 'size', header: t('admin.queue.size'), align: 'end', cell: (e) => size(e.size) },
    {
      id: 'actions',
      header: t('admin.actions'),
      align: 'end',
      cell: (e) => (
        <span class="console-actions">
          <button
            type="button"
            class="button button--small"
            aria-label={t('admin.queue.retryNamed', { subject: e.subject })}
            onClick={async () => {
              try {
                const next = await http.post<Entry>(`/queue/${seg(e.id)}/retry`);
                list.update((x) => x.id === e.id, next);
                toast(t('admin.queue.retried'));
              } catch {
                toast(t('admin.queue.retryFailed'), 'error');
              }
            }}
          >
            {t('admin.queue.retry')}
          </button>
          <button
            type="button"
            class="button button--small button--danger"
            aria-label={t('admin.queue.deleteNamed', { subject: e.subject })}
            onClick={() => setDeleting(e)}
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
        <label class="console-inline-field" for="queue-state">
          {t('admin.queue.filterState')}
          <select
            id="queue-state"
            value={state}
            onChange={(e) =>
              navigate(
                consolePath('queue', [], e.currentTarget.value ? { state: e.currentTarget.value } : {}),
                {
                  replace: true,
                },
              )
            }
          >
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s ? t(`admin.queue.state.${s}`) : t('admin.queue.allStates')}
              </option>
            ))}
          </select>
        </label>
        <button type="button" class="button" onClick={list.reload}>
          {t('admin.refresh')}
        </button>
      </div>
      <DataTable
        caption={t('admin.queue.caption')}
        columns={columns}
        list={list}
        rowKey={(e) => e.id}
        emptyText={t('admin.queue.none')}
      />
      {deleting && (
        <ConfirmDialog
          title={t('admin.queue.deleteTitle')}
          confirmLabel={t('admin.delete')}
          danger
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await http.del(`/queue/${seg(deleting.id)}${bounce ? '?bounce=true' : ''}`);
            list.update((x) => x.id === deleting.id, null);
            toast(t('admin.queue.deleted'));
          }}
        >
          <p>{t('admin.queue.deleteBody', { subject: deleting.subject, domain: deleting.domain })}</p>
          <label class="console-inline-field">
            <input type="checkbox" checked={bounce} onChange={(e) => setBounce(e.currentTarget.checked)} />
            {t('admin.queue.bounce')}
          </label>
        </ConfirmDialog>
      )}
    </>
  );
}
