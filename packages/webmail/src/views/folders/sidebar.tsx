import { useEffect, useRef, useState } from 'preact/hooks';
import { mailFailureText, textOf } from '../../api/messages.js';
import type { Mailbox } from '../../api/types.js';
import { useI18n } from '../../i18n/index.js';
import { folderPath, onLinkClick, useRoute } from '../../router.js';
import { LanguageSwitcher } from '../language.js';
import { useAnnounce } from '../live.js';
import { useMail } from '../mail-context.js';
import { ConfirmDialog, FolderPicker, NameDialog } from './dialogs.js';
import { useFolderLabel } from './labels.js';
import {
  buildFolders,
  canMoveUnder,
  type FolderNode,
  joinName,
  kindOf,
  leafOf,
  parentOf,
  validLeaf,
} from './tree.js';
import './folders.css';

/** The data type a dragged message row carries: the ids, one per line. */
export const DRAG_TYPE = 'application/x-jdmail-messages';

/** Where a folder's list lives: `/` for INBOX, `/junk` for Junk, `/f/<name>` for the rest. */
export function listPathOf(m: Pick<Mailbox, 'name' | 'specialUse'>): string {
  const kind = kindOf(m);
  if (kind === 'inbox') return '/';
  if (kind === 'junk') return '/junk';
  return folderPath(m.name);
}

type FolderTask =
  | { kind: 'create'; parent: string | null }
  | { kind: 'rename'; name: string }
  | { kind: 'move'; name: string }
  | { kind: 'delete'; name: string };

function FolderRow({
  mailbox,
  text,
  depth,
  current,
  onActions,
}: {
  mailbox: Mailbox;
  text: string;
  depth: number;
  current: boolean;
  onActions?: () => void;
}) {
  const { t } = useI18n();
  const { moveTo } = useMail();
  const [over, setOver] = useState(false);
  const path = listPathOf(mailbox);
  const count = kindOf(mailbox) === 'drafts' ? 0 : mailbox.unread;
  return (
    <li
      class={`folder${over ? ' folder--drop' : ''}`}
      data-folder={mailbox.name}
      onDragOver={(e) => {
        if (!e.dataTransfer?.types.includes(DRAG_TYPE)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'move';
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        const ids = (e.dataTransfer?.getData(DRAG_TYPE) ?? '').split('\n').filter(Boolean);
        if (ids.length) void moveTo(ids, mailbox.name);
      }}
    >
      <a
        class="folder__link"
        href={path}
        aria-current={current ? 'page' : undefined}
        style={{ paddingInlineStart: `${12 + depth * 16}px` }}
        onClick={(e) => onLinkClick(e, path)}
      >
        <span class="folder__name">{text}</span>
        {count > 0 && (
          <span class="folder__count">
            <span aria-hidden="true">{count}</span>
            <span class="sr-only">{t('mail.unreadBadge', { n: count })}</span>
          </span>
        )}
      </a>
      {onActions && (
        <button
          type="button"
          class="folder__more"
          aria-haspopup="menu"
          aria-label={t('mail.folder.actionsFor', { name: text })}
          onClick={onActions}
        >
          <span aria-hidden="true">⋯</span>
        </button>
      )}
    </li>
  );
}

/** The actions on one of the user's folders: a small menu of buttons under its row. */
function FolderMenu({
  name,
  onTask,
  onClose,
}: {
  name: string;
  onTask: (t: FolderTask) => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  const item = (task: FolderTask, label: string, ref?: preact.RefObject<HTMLButtonElement>) => (
    <button
      type="button"
      role="menuitem"
      class="folder-menu__item"
      ref={ref}
      onClick={() => {
        onClose();
        onTask(task);
      }}
    >
      {label}
    </button>
  );
  return (
    <div
      class="folder-menu"
      role="menu"
      aria-label={t('mail.folder.actionsFor', { name: leafOf(name) })}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
        if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
        e.preventDefault();
        const items = [...(e.currentTarget as HTMLElement).querySelectorAll<HTMLButtonElement>('button')];
        const at = items.indexOf(document.activeElement as HTMLButtonElement);
        items[(at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
      }}
    >
      {item({ kind: 'create', parent: name }, t('mail.folder.newSub'), first)}
      {item({ kind: 'rename', name }, t('mail.folder.rename'))}
      {item({ kind: 'move', name }, t('mail.folder.moveUnder'))}
      {item({ kind: 'delete', name }, t('mail.folder.delete'))}
    </div>
  );
}

function currentFolder(route: ReturnType<typeof useRoute>['route'], folders: Mailbox[]): string | null {
  if (route.name === 'inbox')
    return route.junk ? (folders.find((f) => kindOf(f) === 'junk')?.name ?? null) : 'INBOX';
  if (route.name === 'folder') return route.mailbox;
  return null;
}

/** The folder sidebar: standard folders, the user's own as a tree, counts, drop targets, folder management. */
export function FolderSidebar({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const label = useFolderLabel();
  const announce = useAnnounce();
  const { api, address, folders, changed } = useMail();
  const { route } = useRoute();
  const [menu, setMenu] = useState<string | null>(null);
  const [task, setTask] = useState<FolderTask | null>(null);
  const nav = useRef<HTMLElement>(null);

  // On a phone the sidebar is a drawer: going somewhere closes it; Escape too.
  useEffect(() => onClose(), [route]);
  useEffect(() => {
    if (!open) return;
    // After the drawer became visible (a hidden element cannot take focus).
    const frame = requestAnimationFrame(() =>
      nav.current?.querySelector<HTMLElement>('a.folder__link')?.focus(),
    );
    return () => cancelAnimationFrame(frame);
  }, [open]);

  if (!folders)
    return (
      <nav id="folders" class="sidebar" aria-label={t('mail.folders')} aria-busy="true">
        <p class="sidebar__state">{t('common.loading')}</p>
      </nav>
    );
  const set = buildFolders(folders);
  const here = currentFolder(route, folders);
  const names = new Set(folders.map((f) => f.name));

  const run = async (action: () => Promise<unknown>, done: string) => {
    try {
      await action();
      changed();
      announce(done);
      return null;
    } catch (e) {
      return textOf(t, mailFailureText(e));
    }
  };
  const nameProblem = (parent: string | null, except?: string) => (leaf: string) => {
    if (!validLeaf(leaf)) return t('mail.folder.nameInvalid');
    const full = joinName(parent, leaf);
    return full !== except && names.has(full) ? t('mail.folder.nameTaken') : null;
  };
  const renderNode = (n: FolderNode): preact.JSX.Element => (
    <>
      <FolderRow
        key={n.mailbox.name}
        mailbox={n.mailbox}
        text={n.label}
        depth={n.depth}
        current={here === n.mailbox.name}
        onActions={() => setMenu(menu === n.mailbox.name ? null : n.mailbox.name)}
      />
      {menu === n.mailbox.name && (
        <li class="folder-menu__holder">
          <FolderMenu name={n.mailbox.name} onTask={setTask} onClose={() => setMenu(null)} />
        </li>
      )}
      {n.children.map(renderNode)}
    </>
  );

  return (
    <>
      {open && (
        <button type="button" class="drawer-scrim" tabIndex={-1} aria-hidden="true" onClick={onClose} />
      )}
      <nav
        id="folders"
        ref={nav}
        class={`sidebar${open ? ' sidebar--open' : ''}`}
        aria-label={t('mail.folders')}
      >
        <ul class="folders">
          {set.standard.map((s) => (
            <FolderRow
              key={s.mailbox.name}
              mailbox={s.mailbox}
              text={label(s.mailbox)}
              depth={0}
              current={here === s.mailbox.name}
            />
          ))}
        </ul>
        <div class="sidebar__head">
          <h2 id="own-folders">{t('mail.folder.mine')}</h2>
          <button
            type="button"
            class="button button--quiet sidebar__add"
            onClick={() => setTask({ kind: 'create', parent: null })}
          >
            <span aria-hidden="true">＋</span> {t('mail.folder.new')}
          </button>
        </div>
        <ul class="folders" aria-labelledby="own-folders">
          {set.own.map(renderNode)}
        </ul>
        {set.own.length === 0 && <p class="sidebar__state">{t('mail.folder.none')}</p>}
        {open && (
          <div class="sidebar__language">
            <LanguageSwitcher id="drawer-language" />
          </div>
        )}
      </nav>
      {task?.kind === 'create' && (
        <NameDialog
          title={
            task.parent ? t('mail.folder.newSubIn', { name: leafOf(task.parent) }) : t('mail.folder.new')
          }
          validate={nameProblem(task.parent)}
          onSubmit={(leaf) =>
            run(
              () => api.createMailbox(address, joinName(task.parent, leaf)),
              t('mail.folder.created', { name: leaf }),
            )
          }
          onClose={() => setTask(null)}
        />
      )}
      {task?.kind === 'rename' && (
        <NameDialog
          title={t('mail.folder.renameTitle', { name: leafOf(task.name) })}
          initial={leafOf(task.name)}
          validate={nameProblem(parentOf(task.name), task.name)}
          onSubmit={(leaf) =>
            run(
              () => api.renameMailbox(address, task.name, joinName(parentOf(task.name), leaf)),
              t('mail.folder.renamed', { name: leaf }),
            )
          }
          onClose={() => setTask(null)}
        />
      )}
      {task?.kind === 'move' && (
        <FolderPicker
          title={t('mail.folder.moveUnderTitle', { name: leafOf(task.name) })}
          folders={folders.filter((f) => !kindOf(f))}
          exclude={(parent) => !canMoveUnder(task.name, parent)}
          topLevel={canMoveUnder(task.name, null) ? t('mail.folder.topLevel') : undefined}
          onPick={(parent) => {
            const target = joinName(parent, leafOf(task.name));
            void run(
              () => api.renameMailbox(address, task.name, target),
              t('mail.folder.movedUnder', { name: leafOf(task.name) }),
            ).then((failure) => failure && announce(failure));
          }}
          onClose={() => setTask(null)}
        />
      )}
      {task?.kind === 'delete' && (
        <ConfirmDialog
          title={t('mail.folder.deleteTitle', { name: leafOf(task.name) })}
          body={t('mail.folder.deleteBody')}
          confirmLabel={t('mail.folder.delete')}
          onConfirm={() =>
            void run(
              () => api.deleteMailbox(address, task.name),
              t('mail.folder.deleted', { name: leafOf(task.name) }),
            ).then((failure) => failure && announce(failure))
          }
          onClose={() => setTask(null)}
        />
      )}
    </>
  );
}
