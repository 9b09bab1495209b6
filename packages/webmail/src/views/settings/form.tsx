import type { ComponentChildren } from 'preact';
import { useCallback, useState } from 'preact/hooks';
import { ApiError } from '../../api/client.js';
import type { UserSettings } from '../../api/types.js';
import type { MessageKey } from '../../i18n/index.js';
import { useI18n } from '../../i18n/index.js';
import { useAnnounce } from '../live.js';

/** The ids an input's `aria-describedby` names: its hint and its error, when shown. */
export const describedBy = (id: string, hint: boolean, error: string | undefined) =>
  [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

/** A labelled field: the label, the control, a hint, and the error next to it (announced). */
export function Field(props: {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  children: ComponentChildren;
}) {
  return (
    <div class={`field${props.error ? ' field--invalid' : ''}`}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && (
        <p id={`${props.id}-hint`} class="field__hint">
          {props.hint}
        </p>
      )}
      {props.error && (
        <p id={`${props.id}-error`} class="field__error" role="alert">
          {props.error}
        </p>
      )}
    </div>
  );
}

/** A checkbox with its label after it. */
export function Check(props: {
  id: string;
  label: string;
  checked: boolean;
  onChange: (v: boolean) => void;
}) {
  return (
    <div class="field field--check">
      <input
        id={props.id}
        type="checkbox"
        checked={props.checked}
        onChange={(e) => props.onChange((e.currentTarget as HTMLInputElement).checked)}
      />
      <label for={props.id}>{props.label}</label>
    </div>
  );
}

/** Field errors by field name (`vacation.text`, `forwarding.to[0]` …). */
export type FieldErrors = Record<string, string>;

/**
 * Saving a settings form: the busy state, "Saved" (shown and announced), a
 * general failure, and the errors a 422 names, put in words by `explain`
 * (the server's own messages are English and technical).
 */
export function useSave(onSaved: (s: UserSettings) => void, explain: (field: string) => MessageKey) {
  const { t } = useI18n();
  const announce = useAnnounce();
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});

  const save = useCallback(
    async (run: () => Promise<UserSettings>, local: FieldErrors = {}) => {
      setSaved(false);
      setFailure(null);
      setErrors(local);
      if (Object.keys(local).length > 0) {
        setFailure(t('settings.fixFields'));
        return;
      }
      setBusy(true);
      try {
        onSaved(await run());
        setSaved(true);
        announce(t('settings.saved'));
      } catch (e) {
        if (e instanceof ApiError && e.status === 422 && e.fields.length > 0) {
          setErrors(Object.fromEntries(e.fields.map((f) => [f.field, t(explain(f.field))])));
          setFailure(t('settings.fixFields'));
        } else setFailure(t('settings.notSaved'));
      } finally {
        setBusy(false);
      }
    },
    [onSaved, explain, t, announce],
  );
  return { busy, saved, failure, errors, save, setSaved };
}

/** The save button, "Saved" next to it, and a failure above it. */
export function SaveBar(props: { busy: boolean; saved: boolean; failure: string | null; label?: string }) {
  const { t } = useI18n();
  return (
    <div class="settings__save">
      {props.failure && (
        <p class="notice notice--error" role="alert">
          {props.failure}
        </p>
      )}
      <button type="submit" class="button button--primary" disabled={props.busy}>
        {props.busy ? t('settings.saving') : (props.label ?? t('settings.save'))}
      </button>
      {props.saved && !props.busy && (
        <span class="settings__saved" data-testid="saved">
          <span aria-hidden="true">✓ </span>
          {t('settings.saved')}
        </span>
      )}
    </div>
  );
}
