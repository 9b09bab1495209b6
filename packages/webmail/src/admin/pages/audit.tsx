import type { components } from '@jdmail/sdk';
import { useState } from 'preact/hooks';
import { type MessageKey, useI18n } from '../../i18n/index.js';
import { type Column, DataTable } from '../components/data-table.js';
import { useCursorList } from '../components/use-list.js';
import { consolePath } from '../route.js';
import type { Page } from '../types.js';
import type { PageProps } from './types.js';
import './ops.css';

type AuditEntry = components['schemas']['AuditEntry'];

const FILTERS = ['actor', 'action', 'domain', 'since', 'until'] as const;

/**
 * What an audited action did, in the reader's language (`createUser` → 创建用户), from the
 * catalogue's `audit.op.<operationId>`; null for one it does not name (SCIM's `scim.*`), shown as is.
 */
function actionLabel(t: (key: MessageKey) => string, action: string): string | null {
  const key = `admin.audit.op.${action}` as MessageKey;
  const label = t(key);
  return label === key ? null : label;
}
type Filter = (typeof FILTERS)[number];

/** A day picked in the form (local midnight) as the API's ISO time; `until` is the end of that day. */
function dayToIso(day: string | undefined, endOfDay: boolean): string | undefined {
  if (!day || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const d = new Date(`${day}T00:00:00`);
  if (endOfDay) d.setDate(d.getDate() + 1);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** Who did it, as people read it: a user's address, else the credential's kind and id. */
function useActorText() {
  const { t } = useI18n();
  return (a: AuditEntry['actor']) =>
    a.address ?? t(a.kind === 'app' ? 'admin.audit.actorApp' : 'admin.audit.actorKey', { id: a.id });
}

/** The audit log: who did what to which object and how it ended, filtered, newest first, page by page. */
export function AuditPage({ http, query, navigate }: PageProps) {
  const { t, date } = useI18n();
  const actorText = useActorText();
  const applied = Object.fromEntries(FILTERS.map((f) => [f, query.get(f) ?? ''])) as Record<Filter, string>;
  const [draft, setDraft] = useState(applied);
  const key = FILTERS.map((f) => applied[f]).join('|');
  const list = useCursorList(
    (cursor) =>
      http.get<Page<AuditEntry>>('/audit', {
        actor: applied.actor,
        action: applied.action,
        domain: applied.domain,
        since: dayToIso(applied.since, false),
        until: dayToIso(applied.until, true),
        limit: 50,
        cursor,
      }),
    key,
  );

  const columns: Column<AuditEntry>[] = [
    {
      id: 'at',
      header: t('admin.audit.at'),
      cell: (e) => date(e.at, { dateStyle: 'short', timeStyle: 'medium' }),
    },
    {
      id: 'actor',
      header: t('admin.audit.actor'),
      cell: (e) => (
        <>
          {actorText(e.actor)}
          <span class="console-table__sub" title={t('admin.audit.ip')}>
            {e.ip}
          </span>
        </>
      ),
    },
    {
      id: 'action',
      header: t('admin.audit.action'),
      cell: (e) => {
        const label = actionLabel(t, e.action);
        return (
          <>
            {label ? (
              <>
                {label}
                <code class="console-table__sub">{e.action}</code>
              </>
            ) : (
              <code>{e.action}</code>
            )}
            <span class="console-table__sub">
              {e.method} {e.route}
            </span>
          </>
        );
      },
    },
    {
      id: 'target',
      header: t('admin.audit.target'),
      cell: (e) => Object.values(e.target).join(' · ') || e.domains.join(', ') || '—',
    },
    {
      id: 'outcome',
      header: t('admin.audit.outcome'),
      cell: (e) => (
        <span class={`console-pill console-pill--${e.outcome < 400 ? 'ok' : 'bad'}`}>
          {e.outcome < 400
            ? t('admin.audit.ok', { status: e.outcome })
            : t('admin.audit.refused', { status: e.outcome })}
        </span>
      ),
    },
  ];

  const field = (f: Filter, type = 'text') => (
    <div class="console-field">
      <label for={`audit-${f}`}>{t(`admin.audit.filter.${f}`)}</label>
      <input
        id={`audit-${f}`}
        type={type}
        value={draft[f]}
        spellcheck={false}
        onInput={(e) => setDraft({ ...draft, [f]: e.currentTarget.value })}
      />
    </div>
  );

  return (
    <>
      <form
        class="console-toolbar console-filters"
        aria-label={t('admin.audit.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          const q: Record<string, string> = {};
          for (const f of FILTERS) if (draft[f].trim()) q[f] = draft[f].trim();
          navigate(consolePath('audit', [], q), { replace: true });
        }}
      >
        {field('actor')}
        {field('action')}
        {field('domain')}
        {field('since', 'date')}
        {field('until', 'date')}
        <button type="submit" class="button">
          {t('admin.audit.apply')}
        </button>
      </form>
      <DataTable
        caption={t('admin.audit.caption')}
        columns={columns}
        list={list}
        rowKey={(e) => e.id}
        emptyText={t('admin.audit.none')}
      />
    </>
  );
}
