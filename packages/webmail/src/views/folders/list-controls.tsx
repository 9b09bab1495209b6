import { useEffect, useState } from 'preact/hooks';
import type { MessageSummary } from '../../api/types.js';
import { useI18n } from '../../i18n/index.js';
import { useMail } from '../mail-context.js';
import { useMessageActions } from './actions.js';
import { ConfirmDialog, FolderPicker } from './dialogs.js';
import { ListToolbar } from './list-toolbar.js';
import { emptySelection, keepVisible, type Selection, toggleAll, toggleRow } from './selection.js';
import { focusedRowId, useListShortcuts } from './shortcuts.js';
import type { StandardKind } from './tree.js';

type Pending =
  | { kind: 'move'; ids: string[] }
  | { kind: 'forever'; ids: string[] }
  | { kind: 'empty'; mailbox: string };

/**
 * Selection, bulk toolbar, shortcuts and their dialogs for one list of
 * messages (a folder, or search results). `kind` is the folder's standard
 * kind (null for the user's own folders and for search results).
 */
export function useListControls(items: MessageSummary[], kind: StandardKind | null, openId: string | null) {
  const { t } = useI18n();
  const { folders, moveTo } = useMail();
  const actions = useMessageActions();
  const [selection, setSelection] = useState<Selection>(emptySelection);
  const [pending, setPending] = useState<Pending | null>(null);
  const order = items.map((m) => m.id);

  useEffect(() => setSelection((s) => keepVisible(s, order)), [items]);

  const onToggle = (id: string, range: boolean) => setSelection((s) => toggleRow(s, id, order, range));
  const targets = () => {
    if (selection.ids.size) return [...selection.ids];
    const focused = focusedRowId();
    return focused ? [focused] : openId ? [openId] : [];
  };
  const clear = () => setSelection(emptySelection);
  const inTrash = (ids: string[]) =>
    kind === 'trash' ||
    !actions.trashName ||
    ids.every((id) => items.find((m) => m.id === id)?.mailbox === actions.trashName);
  const del = (ids: string[]) => {
    if (inTrash(ids)) setPending({ kind: 'forever', ids });
    else void actions.trash(ids).then(clear);
  };
  const junk = (ids: string[]) => {
    if (kind === 'junk') void actions.restore(ids).then(clear);
    else void actions.junk(ids).then(clear);
  };

  useListShortcuts({
    toggle: (id) => onToggle(id, false),
    targets,
    delete: del,
    move: (ids) => setPending({ kind: 'move', ids }),
    read: (ids, read) => void actions.setRead(ids, read),
    flag: (ids) => {
      const all = ids.every((id) => items.find((m) => m.id === id)?.flagged);
      void actions.setFlagged(ids, !all);
    },
    junk,
    selectAll: () => setSelection((s) => toggleAll(s, order)),
  });

  const ids = [...selection.ids];
  const toolbar =
    ids.length > 0 ? (
      <ListToolbar
        count={ids.length}
        kind={kind}
        canJunk={!!actions.junkName}
        on={{
          read: (read) => void actions.setRead(ids, read),
          flag: (flagged) => void actions.setFlagged(ids, flagged),
          move: () => setPending({ kind: 'move', ids }),
          delete: () => del(ids),
          restore: () => void actions.restore(ids).then(clear),
          junk: () => junk(ids),
          notJunk: () => junk(ids),
        }}
      />
    ) : null;

  const allTicked = order.length > 0 && order.every((id) => selection.ids.has(id));
  const selectAll = (
    <input
      type="checkbox"
      class="select-all"
      checked={allTicked}
      disabled={order.length === 0}
      aria-label={t('mail.list.selectAll')}
      aria-keyshortcuts="*"
      onClick={() => setSelection((s) => toggleAll(s, order))}
    />
  );

  const dialogs = (
    <>
      {pending?.kind === 'move' && folders && (
        <FolderPicker
          title={t('mail.action.moveTitle', { n: pending.ids.length })}
          folders={folders}
          exclude={(name) => pending.ids.every((id) => items.find((m) => m.id === id)?.mailbox === name)}
          onPick={(name) => {
            if (name) void moveTo(pending.ids, name).then(clear);
          }}
          onClose={() => setPending(null)}
        />
      )}
      {pending?.kind === 'forever' && (
        <ConfirmDialog
          title={t('mail.confirm.foreverTitle', { n: pending.ids.length })}
          body={t('mail.confirm.foreverBody')}
          confirmLabel={t('mail.action.deleteForever')}
          onConfirm={() => void actions.deleteForever(pending.ids).then(clear)}
          onClose={() => setPending(null)}
        />
      )}
      {pending?.kind === 'empty' && (
        <ConfirmDialog
          title={t(kind === 'junk' ? 'mail.confirm.emptyJunkTitle' : 'mail.confirm.emptyTrashTitle')}
          body={t('mail.confirm.emptyBody')}
          confirmLabel={t(kind === 'junk' ? 'mail.action.emptyJunk' : 'mail.action.emptyTrash')}
          onConfirm={() => void actions.empty(pending.mailbox).then(clear)}
          onClose={() => setPending(null)}
        />
      )}
    </>
  );

  const emptyButton = (mailbox: string) =>
    kind === 'trash' || kind === 'junk' ? (
      <button
        type="button"
        class="button button--quiet"
        disabled={order.length === 0}
        onClick={() => setPending({ kind: 'empty', mailbox })}
      >
        {t(kind === 'junk' ? 'mail.action.emptyJunk' : 'mail.action.emptyTrash')}
      </button>
    ) : null;

  return { selection, onToggle, toolbar, selectAll, dialogs, emptyButton };
}
