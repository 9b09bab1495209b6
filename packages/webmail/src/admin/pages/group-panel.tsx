import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n/index.js';
import { ConfirmDialog, FormDialog } from '../components/confirm-dialog.js';
import { SelectField, TextField } from '../components/field.js';
import { flatten, subtreeIds } from '../components/group-tree.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { useToast } from '../components/toasts.js';
import { useLoad } from '../components/use-list.js';
import { type Http, seg } from '../http.js';
import type { Group, GroupTreeNode, User } from '../types.js';
import { CreateGroupDialog } from './group-create.js';

interface Props {
  http: Http;
  domain: string;
  roots: GroupTreeNode[];
  groupId: string | null;
  onChanged: () => void;
  onDeleted: () => void;
}

type Dialog = 'rename' | 'move' | 'sub' | 'delete' | null;

const TOP = '';

/** The selected group: members (add, remove), rename, add a subgroup, move (keyboard alternative to dragging), delete. */
export function GroupPanel({ http, domain, roots, groupId, onChanged, onDeleted }: Props) {
  const { t } = useI18n();
  const toast = useToast();
  const group = useLoad(
    () => (groupId ? http.get<Group>(`/groups/${seg(groupId)}`) : Promise.resolve(null)),
    groupId ?? '',
  );
  const members = useLoad(
    () =>
      groupId
        ? http.get<{ items: User[] }>(`/groups/${seg(groupId)}/members`)
        : Promise.resolve({ items: [] }),
    groupId ?? '',
  );
  const [dialog, setDialog] = useState<Dialog>(null);
  const [name, setName] = useState('');
  const [target, setTarget] = useState(TOP);
  const [adding, setAdding] = useState('');
  const flat = flatten(roots);
  const node = flat.find((f) => f.node.id === groupId)?.node ?? null;

  if (!groupId)
    return (
      <section class="console-panel console-split__detail" aria-label={t('console.groups.details')}>
        <Empty text={t('console.groups.pick')} />
      </section>
    );
  if (group.error) return <ErrorState error={group.error} onRetry={group.reload} />;
  if (!group.data || !node) return <Loading />;
  const g = group.data;
  const forbidden = subtreeIds(node);
  const targets = [
    { value: TOP, label: t('console.groups.topLevel') },
    ...flat
      .filter((f) => !forbidden.has(f.node.id))
      .map((f) => ({ value: f.node.id, label: `${'— '.repeat(f.depth)}${f.node.name}` })),
  ];

  async function addMember(event: Event) {
    event.preventDefault();
    const address = adding.trim();
    if (!address) return;
    try {
      await http.post(`/groups/${seg(g.id)}/members`, {
        addresses: [address.includes('@') ? address : `${address}@${domain}`],
      });
      setAdding('');
      toast(t('console.groups.memberAdded', { name: address }));
      members.reload();
      onChanged();
    } catch (e) {
      toast(e instanceof Error ? e.message : String(e), 'error');
    }
  }

  async function removeMember(u: User) {
    try {
      await http.del(`/groups/${seg(g.id)}/members/${seg(u.address)}`);
      toast(t('console.groups.memberRemoved', { name: u.address }));
      members.reload();
      onChanged();
    } catch (e) {
      toast(e instanceof Error ? e.message : String(e), 'error');
    }
  }

  return (
    <section
      class="console-panel console-split__detail"
      aria-labelledby="group-title"
      data-testid="group-panel"
    >
      <h2 id="group-title">{g.name}</h2>
      <p class="console-hint">
        {t(g.kind === 'department' ? 'console.groups.kind.department' : 'console.groups.kind.group')}
        {g.address ? ` · ${g.address}` : ''}
        {g.source ? ` · ${t('console.groups.synced', { source: g.source })}` : ''}
      </p>
      <div class="console-actions console-actions--start">
        <button
          type="button"
          class="button"
          onClick={() => {
            setName(g.name);
            setDialog('rename');
          }}
        >
          {t('console.groups.rename')}
        </button>
        <button type="button" class="button" onClick={() => setDialog('sub')}>
          {t('console.groups.addSub')}
        </button>
        <button
          type="button"
          class="button"
          onClick={() => {
            setTarget(g.parentId ?? TOP);
            setDialog('move');
          }}
        >
          {t('console.groups.moveTo')}
        </button>
        <button type="button" class="button button--danger" onClick={() => setDialog('delete')}>
          {t('console.delete')}
        </button>
      </div>
      <h3>{t('console.groups.members')}</h3>
      <form class="console-search" onSubmit={addMember}>
        <label for="member-add" class="sr-only">
          {t('console.groups.addMemberLabel')}
        </label>
        <input
          id="member-add"
          value={adding}
          placeholder={t('console.groups.addMemberPlaceholder', { domain })}
          spellcheck={false}
          autoComplete="off"
          onInput={(e) => setAdding(e.currentTarget.value)}
        />
        <button type="submit" class="button">
          {t('console.groups.addMember')}
        </button>
      </form>
      {members.error ? <ErrorState error={members.error} onRetry={members.reload} /> : null}
      {!members.data ? (
        <Loading />
      ) : members.data.items.length === 0 ? (
        <Empty text={t('console.groups.noMembers')} />
      ) : (
        <ul class="console-members">
          {members.data.items.map((u) => (
            <li key={u.address}>
              <span>
                {u.displayName || u.address}
                {u.displayName && <span class="console-table__sub">{u.address}</span>}
              </span>
              <button
                type="button"
                class="button button--small"
                aria-label={t('console.groups.removeMemberNamed', { name: u.address })}
                onClick={() => removeMember(u)}
              >
                {t('console.groups.removeMember')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {dialog === 'rename' && (
        <FormDialog
          title={t('console.groups.renameTitle', { name: g.name })}
          submitLabel={t('common.save')}
          onClose={() => setDialog(null)}
          onSubmit={async () => {
            if (!name.trim()) throw new Error(t('console.groups.nameRequired'));
            await http.patch(`/groups/${seg(g.id)}`, { name: name.trim() });
            toast(t('console.groups.renamed', { name: name.trim() }));
            group.reload();
            onChanged();
          }}
        >
          <TextField
            id="rename-group"
            label={t('console.groups.name')}
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </FormDialog>
      )}
      {dialog === 'move' && (
        <FormDialog
          title={t('console.groups.moveTitle', { name: g.name })}
          submitLabel={t('console.groups.move')}
          onClose={() => setDialog(null)}
          onSubmit={async () => {
            await http.patch(`/groups/${seg(g.id)}`, { parentId: target === TOP ? null : target });
            const parent = flat.find((f) => f.node.id === target)?.node;
            toast(
              parent
                ? t('console.groups.moved', { name: g.name, parent: parent.name })
                : t('console.groups.movedTop', { name: g.name }),
            );
            group.reload();
            onChanged();
          }}
        >
          <SelectField
            id="move-target"
            label={t('console.groups.moveUnder')}
            value={target}
            options={targets}
            onChange={(e) => setTarget(e.currentTarget.value)}
          />
        </FormDialog>
      )}
      {dialog === 'sub' && (
        <CreateGroupDialog
          http={http}
          domain={domain}
          parent={node}
          onClose={() => setDialog(null)}
          onCreated={(created) => {
            toast(t('console.groups.created', { name: created.name }));
            onChanged();
          }}
        />
      )}
      {dialog === 'delete' && (
        <ConfirmDialog
          title={t('console.groups.deleteTitle', { name: g.name })}
          confirmLabel={t('console.delete')}
          danger
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            await http.del(`/groups/${seg(g.id)}`);
            toast(t('console.groups.deleted', { name: g.name }));
            onDeleted();
          }}
        >
          <p>{t('console.groups.deleteWarning')}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
