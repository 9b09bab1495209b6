import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n/index.js';
import { flatten } from '../components/group-tree.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { useToast } from '../components/toasts.js';
import { useLoad } from '../components/use-list.js';
import { type Http, seg } from '../http.js';
import type { Group, GroupTreeNode } from '../types.js';
import { CreateGroupDialog } from './group-create.js';
import { DeleteGroupDialog, MoveGroupDialog, RenameGroupDialog } from './group-dialogs.js';
import { GroupMembers } from './group-members.js';

interface Props {
  http: Http;
  domain: string;
  roots: GroupTreeNode[];
  groupId: string | null;
  onChanged: () => void;
  onDeleted: () => void;
}

type Dialog = 'rename' | 'move' | 'sub' | 'delete' | null;

/** The selected group: members, rename, add a subgroup, move (the keyboard alternative to dragging), delete. */
export function GroupPanel({ http, domain, roots, groupId, onChanged, onDeleted }: Props) {
  const { t } = useI18n();
  const toast = useToast();
  const group = useLoad(
    () => (groupId ? http.get<Group>(`/groups/${seg(groupId)}`) : Promise.resolve(null)),
    groupId ?? '',
  );
  const [dialog, setDialog] = useState<Dialog>(null);
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
  const close = () => setDialog(null);
  const changed = () => {
    group.reload();
    onChanged();
  };

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
        <button type="button" class="button" onClick={() => setDialog('rename')}>
          {t('console.groups.rename')}
        </button>
        <button type="button" class="button" onClick={() => setDialog('sub')}>
          {t('console.groups.addSub')}
        </button>
        <button type="button" class="button" onClick={() => setDialog('move')}>
          {t('console.groups.moveTo')}
        </button>
        <button type="button" class="button button--danger" onClick={() => setDialog('delete')}>
          {t('console.delete')}
        </button>
      </div>
      <GroupMembers http={http} groupId={g.id} domain={domain} onChanged={onChanged} />
      {dialog === 'rename' && <RenameGroupDialog http={http} group={g} onClose={close} onDone={changed} />}
      {dialog === 'move' && (
        <MoveGroupDialog http={http} group={g} node={node} flat={flat} onClose={close} onDone={changed} />
      )}
      {dialog === 'delete' && <DeleteGroupDialog http={http} group={g} onClose={close} onDone={onDeleted} />}
      {dialog === 'sub' && (
        <CreateGroupDialog
          http={http}
          domain={domain}
          parent={node}
          onClose={close}
          onCreated={(created) => {
            toast(t('console.groups.created', { name: created.name }));
            onChanged();
          }}
        />
      )}
    </section>
  );
}
