import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Mailbox } from '../../api/types.js';
import { useI18n } from '../../i18n/index.js';
import { useFolderLabel } from './labels.js';
import { buildFolders, flatten } from './tree.js';

/**
 * A modal dialog (the native `<dialog>`): the browser keeps focus inside it,
 * Escape closes it, and focus returns where it was when it closes.
 */
function Modal({
  title,
  onClose,
  children,
  labelId,
}: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  labelId: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement as HTMLElement | null;
    if (dialog && !dialog.open) dialog.showModal();
    return () => opener?.focus?.();
  }, []);
  return (
    <dialog ref={ref} class="dialog" aria-labelledby={labelId} onClose={onClose}>
      <h2 id={labelId} class="dialog__title">
        {title}
      </h2>
      {children}
    </dialog>
  );
}

/** "Delete forever?", "Empty Trash?": a destructive action waits for a second, explicit yes. */
export function ConfirmDialog({
  title,
  body,
  confirmLabel,
  onConfirm,
  onClose,
}: {
  title: string;
  body: string;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  return (
    <Modal title={title} onClose={onClose} labelId="confirm-title">
      <p>{body}</p>
      <div class="dialog__actions">
        <button type="button" class="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button
          type="button"
          class="button button--danger"
          onClick={() => {
            onConfirm();
            onClose();
          }}
        >
          {confirmLabel}
        </button>
      </div>
    </Modal>
  );
}

/** Asks for one level of a folder name (new folder, new subfolder, rename). */
export function NameDialog({
  title,
  initial = '',
  validate,
  onSubmit,
  onClose,
}: {
  title: string;
  initial?: string;
  /** An error message for a bad name, or null when it will do. */
  validate: (name: string) => string | null;
  onSubmit: (name: string) => Promise<string | null>;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const name = input.current?.value.trim() ?? '';
    const problem = validate(name);
    if (problem) {
      setError(problem);
      input.current?.focus();
      return;
    }
    setBusy(true);
    const failure = await onSubmit(name);
    setBusy(false);
    if (failure) setError(failure);
    else onClose();
  };
  return (
    <Modal title={title} onClose={onClose} labelId="name-title">
      <form onSubmit={submit} noValidate>
        <label for="folder-name">{t('mail.folder.name')}</label>
        <input
          ref={input}
          id="folder-name"
          class="dialog__input"
          value={initial}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'folder-name-error' : undefined}
        />
        <div id="folder-name-error" class="form-error" role="alert">
          {error}
        </div>
        <div class="dialog__actions">
          <button type="button" class="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" class="button button--primary" disabled={busy}>
            {t('common.save')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/**
 * Picks a folder: where to move messages (the keyboard way to drag and drop),
 * or where to put a folder (`topLevel` offers "no parent").
 */
export function FolderPicker({
  title,
  folders,
  exclude = () => false,
  topLevel,
  onPick,
  onClose,
}: {
  title: string;
  folders: Mailbox[];
  exclude?: (name: string) => boolean;
  /** Offer "Top level" (moving a folder out of its parent), labelled so. */
  topLevel?: string;
  onPick: (name: string | null) => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const label = useFolderLabel();
  const set = buildFolders(folders);
  const rows: { name: string; text: string; depth: number }[] = [
    ...set.standard.map((s) => ({ name: s.mailbox.name, text: label(s.mailbox), depth: 0 })),
    ...flatten(set.own).map((n) => ({ name: n.mailbox.name, text: n.label, depth: n.depth })),
  ].filter((r) => !exclude(r.name));
  return (
    <Modal title={title} onClose={onClose} labelId="picker-title">
      <ul class="picker" aria-labelledby="picker-title">
        {topLevel && (
          <li>
            <button
              type="button"
              class="picker__item"
              onClick={() => {
                onPick(null);
                onClose();
              }}
            >
              {topLevel}
            </button>
          </li>
        )}
        {rows.map((r) => (
          <li key={r.name}>
            <button
              type="button"
              class="picker__item"
              style={{ paddingInlineStart: `${12 + r.depth * 16}px` }}
              onClick={() => {
                onPick(r.name);
                onClose();
              }}
            >
              {r.text}
            </button>
          </li>
        ))}
      </ul>
      <div class="dialog__actions">
        <button type="button" class="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
      </div>
    </Modal>
  );
}
