import { useCallback, useState } from 'preact/hooks';
import { useI18n } from '../../i18n/index.js';
import { FormDialog } from '../components/confirm-dialog.js';
import { type Column, DataTable } from '../components/data-table.js';
import { DomainScope } from '../components/domain-picker.js';
import { TextField } from '../components/field.js';
import { useToast } from '../components/toasts.js';
import { useCursorList } from '../components/use-list.js';
import { seg } from '../http.js';
import { consolePath } from '../route.js';
import type { Page, User } from '../types.js';
import type { PageProps } from './types.js';

function AliasTable({ http, domain }: PageProps & { domain: string }) {
  const { t } = useI18n();
  const toast = useToast();
  const [adding, setAdding] = useState<User | null>(null);
  const [alias, setAlias] = useState('');
  const list = useCursorList(
    (cursor) => http.get<Page<User>>('/users', { domain, limit: 50, cursor }),
    domain,
  );

  async function setAliases(user: User, aliases: string[]): Promise<User> {
    const saved = await http.patch<User>(`/users/${seg(user.address)}`, { aliases });
    list.update((u) => u.address === user.address, saved);
    return saved;
  }

  async function remove(user: User, gone: string) {
    try {
      await setAliases(
        user,
        user.aliases.filter((a) => a !== gone),
      );
      toast(t('console.aliases.removed', { alias: gone }));
    } catch (e) {
      toast(e instanceof Error ? e.message : String(e), 'error');
    }
  }

  const columns: Column<User>[] = [
    {
      id: 'user',
      header: t('console.users.user'),
      cell: (u) => (
        <>
          {u.address}
          {u.displayName && <span class="console-table__sub">{u.displayName}</span>}
        </>
      ),
    },
    {
      id: 'aliases',
      header: t('console.nav.aliases'),
      cell: (u) =>
        u.aliases.length === 0 ? (
          <span class="console-muted">{t('console.aliases.noneForUser')}</span>
        ) : (
          <ul class="console-chips">
            {u.aliases.map((a) => (
              <li key={a} class="console-chip">
                <span>{a}</span>
                <button
                  type="button"
                  class="console-chip__remove"
                  aria-label={t('console.aliases.removeNamed', { alias: a })}
                  onClick={() => remove(u, a)}
                >
                  <span aria-hidden="true">×</span>
                </button>
              </li>
            ))}
          </ul>
        ),
    },
    {
      id: 'actions',
      header: t('console.actions'),
      align: 'end',
      cell: (u) => (
        <button
          type="button"
          class="button button--small"
          aria-label={t('console.aliases.addFor', { name: u.address })}
          onClick={() => {
            setAlias('');
            setAdding(u);
          }}
        >
          {t('console.aliases.add')}
        </button>
      ),
    },
  ];

  return (
    <>
      <p class="console-hint">{t('console.aliases.hint')}</p>
      <DataTable
        caption={t('console.aliases.caption', { domain })}
        columns={columns}
        list={list}
        rowKey={(u) => u.address}
        emptyText={t('console.users.none')}
      />
      {adding && (
        <FormDialog
          title={t('console.aliases.addFor', { name: adding.address })}
          submitLabel={t('console.aliases.add')}
          onClose={() => setAdding(null)}
          onSubmit={async () => {
            const typed = alias.trim();
            if (!typed) throw new Error(t('console.aliases.required'));
            const address = typed.includes('@') ? typed : `${typed}@${domain}`;
            await setAliases(adding, [...adding.aliases, address]);
            toast(t('console.aliases.added', { alias: address, name: adding.address }));
          }}
        >
          <TextField
            id="alias-address"
            label={t('console.aliases.address')}
            hint={t('console.aliases.addressHint', { domain })}
            value={alias}
            autoComplete="off"
            spellcheck={false}
            onInput={(e) => setAlias(e.currentTarget.value)}
          />
        </FormDialog>
      )}
    </>
  );
}

/** 别名管理: every user's aliases in a domain; add and remove (`PATCH /users/{a}` aliases). */
export function AliasesPage(props: PageProps) {
  const { rest, navigate } = props;
  const select = useCallback(
    (domain: string, replace: boolean) => navigate(consolePath('aliases', [domain]), { replace }),
    [navigate],
  );
  return (
    <DomainScope http={props.http} selected={rest[0]} onSelect={select}>
      {(domain) => <AliasTable key={domain} {...props} domain={domain} />}
    </DomainScope>
  );
}
