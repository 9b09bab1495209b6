import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n/index.js';
import { ConfirmDialog, FormDialog } from '../components/confirm-dialog.js';
import { SelectField, TextField } from '../components/field.js';
import { type FlatGroup, subtreeIds } from '../components/group-tree.js';
import { useToast } from '../components/toasts.js';
import { type Http, seg } from '../http.js';
import type { Group, GroupTreeNode } from '../types.js';

interface Props {
  http: Http;
  group: Group;
  onClose: () => void;
  onDone: () => void;
}

/** 重命名. */
export function RenameGroupDialog({ http, group, onClose, onDone }: Props) {
  const { t } = useI18n();
  const toast = useToast();
  const [name, setName] = useState(group.name);
  return (
    <FormDialog
      title={t('console.groups.renameTitle', { name: group.name })}
      submitLabel={t('common.save')}
      onClose={onClose}
      onSubmit={async () => {
        if (!name.trim()) throw new Error(t('console.groups.nameRequired'));
        await http.patch(`/groups/${seg(group.id)}`, { name: name.trim() });
        toast(t('console.groups.renamed', { name: name.trim() }));
        onDone();
      }}
    >
      <TextField
        id="rename-group"
        label={t('console.groups.name')}
        value={name}
        onInput={(e) => setName(e.currentTarget.value)}
      />
    </FormDialog>
  );
}

const TOP = '';

/**
 * 移动到…: the keyboard way to reorganize (`PATCH /groups/{id} { parentId }`).
 * The group itself and its descendants are not offered (the server would answer GROUP_CYCLE).
 */
export function MoveGroupDialog({
  http,
  group,
  node,
  flat,
  onClose,
  onDone,
}: Props & { node: GroupTreeNode; flat: FlatGroup[] }) {
  const { t } = useI18n();
  const toast = useToast();
  const [target, setTarget] = useState(group.parentId ?? TOP);
  const forbidden = subtreeIds(node);
  const options = [
    { value: TOP, label: t('console.groups.topLevel') },
    ...flat
      .filter((f) => !forbidden.has(f.node.id))
      .map((f) => ({ value: f.node.id, label: `${'— '.repeat(f.depth)}${f.node.name}` })),
  ];
  return (
    <FormDialog
      title={t('console.groups.moveTitle', { name: group.name })}
      submitLabel={t('console.groups.move')}
      onClose={onClose}
      onSubmit={async () => {
        await http.patch(`/groups/${seg(group.id)}`, { parentId: target === TOP ? null : target });
        const parent = flat.find((f) => f.node.id === target)?.node;
        toast(
          parent
            ? t('console.groups.moved', { name: group.name, parent: parent.name })
            : t('console.groups.movedTop', { name: group.name }),
        );
        onDone();
      }}
    >
      <SelectField
        id="move-target"
        label={t('console.groups.moveUnder')}
        value={target}
        options={options}
        onChange={(e) => setTarget(e.currentTarget.value)}
      />
    </FormDialog>
  );
}

/** 删除 (the server refuses a group with subgroups: GROUP_NOT_EMPTY, shown in the dialog). */
export function DeleteGroupDialog({ http, group, onClose, onDone }: Props) {
  const { t } = useI18n();
  const toast = useToast();
  return (
    <ConfirmDialog
      title={t('console.groups.deleteTitle', { name: group.name })}
      confirmLabel={t('console.delete')}
      danger
      onClose={onClose}
      onConfirm={async () => {
        await http.del(`/groups/${seg(group.id)}`);
        toast(t('console.groups.deleted', { name: group.name }));
        onDone();
      }}
    >
      <p>{t('console.groups.deleteWarning')}</p>
    </ConfirmDialog>
  );
}
