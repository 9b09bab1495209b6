import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n/index.js';
import { FormDialog } from '../components/confirm-dialog.js';
import { SelectField, TextField } from '../components/field.js';
import type { Http } from '../http.js';
import type { Group, GroupTreeNode } from '../types.js';

/** 新建部门/群组 under `parentId` (null = top level). */
export function CreateGroupDialog({
  http,
  domain,
  parent,
  onClose,
  onCreated,
}: {
  http: Http;
  domain: string;
  parent: GroupTreeNode | null;
  onClose: () => void;
  onCreated: (g: Group) => void;
}) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'department' | 'group'>(parent?.kind ?? 'department');
  const [error, setError] = useState<string | null>(null);
  return (
    <FormDialog
      title={parent ? t('console.groups.createUnder', { name: parent.name }) : t('console.groups.create')}
      submitLabel={t('console.groups.createSubmit')}
      onClose={onClose}
      onSubmit={async () => {
        if (!name.trim()) {
          setError(t('console.groups.nameRequired'));
          throw new Error(t('console.form.fix'));
        }
        const body = { domain, name: name.trim(), kind, parentId: parent?.id ?? null };
        onCreated(await http.post<Group>('/groups', body));
      }}
    >
      <TextField
        id="group-name"
        label={t('console.groups.name')}
        value={name}
        error={error}
        autoComplete="off"
        onInput={(e) => {
          setName(e.currentTarget.value);
          setError(null);
        }}
      />
      <SelectField
        id="group-kind"
        label={t('console.groups.kind')}
        value={kind}
        onChange={(e) => setKind(e.currentTarget.value as 'department' | 'group')}
        options={[
          { value: 'department', label: t('console.groups.kind.department') },
          { value: 'group', label: t('console.groups.kind.group') },
        ]}
      />
    </FormDialog>
  );
}
