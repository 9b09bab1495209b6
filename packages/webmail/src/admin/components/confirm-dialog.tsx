import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useI18n } from '../../i18n/index.js';
import { useErrorText } from './states.js';

interface Props {
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  /** A destructive action: the user must type this (a domain's or a user's name) to enable the button. */
  typeToConfirm?: string;
  danger?: boolean;
  /** Runs the action; a rejection is shown in the dialog, which stays open. */
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

/**
 * A modal confirmation (`<dialog>`: focus stays inside, Esc cancels, focus
 * returns to the opener). With `typeToConfirm` the confirm button is enabled
 * only once the name is typed exactly.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  typeToConfirm,
  danger,
  onConfirm,
  onClose,
}: Props) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const ref = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    ref.current?.showModal();
    return () => opener?.focus?.();
  }, []);

  const ready = !typeToConfirm || typed.trim() === typeToConfirm;
  async function confirm(event: Event) {
    event.preventDefault();
    if (!ready || busy) return;
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  return (
    <dialog
      ref={ref}
      class="console-dialog"
      aria-labelledby="confirm-title"
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) onClose();
      }}
    >
      <form method="dialog" onSubmit={confirm}>
        <h2 id="confirm-title">{title}</h2>
        <div class="console-dialog__body">{children}</div>
        {typeToConfirm && (
          <div class="console-field">
            <label for="confirm-typed">{t('console.confirm.typeName', { name: typeToConfirm })}</label>
            <input
              id="confirm-typed"
              value={typed}
              onInput={(e) => setTyped(e.currentTarget.value)}
              autoComplete="off"
              spellcheck={false}
              autoFocus
            />
          </div>
        )}
        {error ? (
          <p class="console-field__error" role="alert">
            {errorText(error)}
          </p>
        ) : null}
        <div class="console-dialog__actions">
          <button type="button" class="button" onClick={onClose} disabled={busy}>
            {t('common.cancel')}
          </button>
          <button
            type="submit"
            class={danger ? 'button button--danger' : 'button button--primary'}
            disabled={!ready || busy}
            aria-busy={busy}
          >
            {confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}

/** A modal with a form (create a user, rename a group): same behaviour as {@link ConfirmDialog}, any fields. */
export function FormDialog({
  title,
  children,
  submitLabel,
  onSubmit,
  onClose,
}: {
  title: string;
  children: ComponentChildren;
  submitLabel: string;
  onSubmit: () => Promise<void>;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    ref.current?.showModal();
    return () => opener?.focus?.();
  }, []);
  async function submit(event: Event) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await onSubmit();
      onClose();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }
  return (
    <dialog
      ref={ref}
      class="console-dialog"
      aria-labelledby="form-dialog-title"
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) onClose();
      }}
    >
      <form method="dialog" onSubmit={submit} noValidate>
        <h2 id="form-dialog-title">{title}</h2>
        <div class="console-dialog__body">{children}</div>
        {error ? (
          <p class="console-field__error" role="alert">
            {errorText(error)}
          </p>
        ) : null}
        <div class="console-dialog__actions">
          <button type="button" class="button" onClick={onClose} disabled={busy}>
            {t('common.cancel')}
          </button>
          <button type="submit" class="button button--primary" disabled={busy} aria-busy={busy}>
            {submitLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
