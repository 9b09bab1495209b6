import type { components } from '@jdmail/sdk';
import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n/index.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { type Column, DataTable } from '../components/data-table.js';
import { useToast } from '../components/toasts.js';
import { useCursorList } from '../components/use-list.js';
import { seg } from '../http.js';
import type { Page } from '../types.js';
import type { PageProps } from './types.js';
import './ops.css';

type Held = components['schemas']['QuarantineEntry'];
type Pending = { entry: Held; action: 'release' | 'spam' | 'ham' | 'delete' };

/** Messages the filter held: why, release to the recipients, train as spam or ham, delete. */
export function QuarantinePage({ http }: PageProps) {
  const { t, date, size } = useI18n();
  const toast = useToast();
  const [pending, setPending] = useState<Pending | null>(null);
  const list = useCursorList(
    (cursor) => http.get<Page<Held>>('/quarantine', { limit: 50, cursor }),
    'quarantine',
  );

  const act = (entry: Held, action: Pending['action']) => () => setPending({ entry, action });
  const columns: Column<Held>[] = [
    {
      id: 'message',
      header: t('admin.quarantine.message'),
      cell: (q) => (
        <>
          {q.subject || t('admin.queue.noSubject')}
          <span class="console-table__sub">
            {q.sender || '<>'} → {q.recipients.join(', ')}
          </span>
        </>
      ),
    },
    {
      id: 'why',
      header: t('admin.quarantine.why'),
      cell: (q) => (
        <>
          {q.reasons.join('; ')}
          {q.score !== null && (
            <span class="console-table__sub">
              {t('admin.quarantine.score', { score: q.score.toFixed(2) })}
            </span>
          )}
        </>
      ),
    },
    { id: 'held', header: t('admin.quarantine.heldAt'), cell: (q) => date(q.createdAt) },
    { id: 'size', header: t('admin.queue.size'), align: 'end', cell: (q) => size(q.size) },
    {
      id: 'actions',
      header: t('admin.actions'),
      align: 'end',
      cell: (q) => (
        <span class="console-actions">
          <button type="button" class="button button--small" onClick={act(q, 'release')}>
            {t('admin.quarantine.release')}
          </button>
          <button type="button" class="button button--small" onClick={act(q, 'ham')}>
            {t('admin.quarantine.ham')}
          </button>
          <button type="button" class="button button--small" onClick={act(q, 'spam')}>
            {t('admin.quarantine.spam')}
          </button>
          <button type="button" class="button button--small button--danger" onClick={act(q, 'delete')}>
            {t('admin.delete')}
          </button>
        </span>
      ),
    },
  ];

  async function run({ entry, action }: Pending) {
    const path = `/quarantine/${seg(entry.id)}`;
    if (action === 'release') await http.post(`${path}/release`);
    else if (action === 'delete') await http.del(path);
    else await http.post(`${path}/train`, { as: action });
    list.update((q) => q.id === entry.id, null);
    toast(t(`admin.quarantine.done.${action}`));
  }

  return (
    <>
      <div class="console-toolbar">
        <p class="console-muted">{t('admin.quarantine.intro')}</p>
        <button type="button" class="button" onClick={list.reload}>
          {t('admin.refresh')}
        </button>
      </div>
      <DataTable
        caption={t('admin.quarantine.caption')}
        columns={columns}
        list={list}
        rowKey={(q) => q.id}
        emptyText={t('admin.quarantine.none')}
      />
      {pending && (
        <ConfirmDialog
          title={t(`admin.quarantine.confirm.${pending.action}`)}
          confirmLabel={t(`admin.quarantine.${pending.action === 'delete' ? 'deleteNow' : pending.action}`)}
          danger={pending.action === 'delete' || pending.action === 'spam'}
          onClose={() => setPending(null)}
          onConfirm={() => run(pending)}
        >
          <p>
            {pending.entry.subject} — {pending.entry.sender}
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
