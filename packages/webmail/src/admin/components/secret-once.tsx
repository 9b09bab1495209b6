import { useEffect, useRef, useState } from 'preact/hooks';
import { useI18n } from '../../i18n/index.js';

/**
 * A secret the server shows only once (a new API key, an app's or a
 * webhook's secret), in a modal with a copy button: it is never shown again,
 * so the dialog says so and stays until the admin closes it.
 */
export function SecretOnce({
  title,
  label,
  secret,
  extra,
  onClose,
}: {
  title: string;
  label: string;
  secret: string;
  /** Other values worth copying with it (an app's client id). */
  extra?: { label: string; value: string };
  onClose: () => void;
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    ref.current?.showModal();
    return () => opener?.focus?.();
  }, []);
  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      // No clipboard (an insecure origin): select the text so Ctrl+C works.
      const input = ref.current?.querySelector<HTMLInputElement>('#secret-once-value');
      input?.select();
    }
  }
  return (
    <dialog
      ref={ref}
      class="console-dialog"
      aria-labelledby="secret-once-title"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <h2 id="secret-once-title">{title}</h2>
      <div class="console-dialog__body">
        <p role="note">{t('admin.secret.once')}</p>
        {extra && (
          <div class="console-field">
            <label for="secret-once-extra">{extra.label}</label>
            <input id="secret-once-extra" class="console-code" readOnly value={extra.value} />
          </div>
        )}
        <div class="console-field">
          <label for="secret-once-value">{label}</label>
          <input
            id="secret-once-value"
            class="console-code"
            readOnly
            value={secret}
            data-secret
            onFocus={(e) => e.currentTarget.select()}
          />
        </div>
        <p class="console-muted" aria-live="polite">
          {copied ? t('admin.secret.copied') : ''}
        </p>
      </div>
      <div class="console-dialog__actions">
        <button type="button" class="button" onClick={copy}>
          {t('admin.secret.copy')}
        </button>
        <button type="button" class="button button--primary" onClick={onClose}>
          {t('admin.secret.done')}
        </button>
      </div>
    </dialog>
  );
}

/** The scopes an integration credential may be given, in the order the forms show them. */
export const CREDENTIAL_SCOPES = [
  'domains:read',
  'domains:write',
  'users:read',
  'users:write',
  'groups:read',
  'groups:write',
  'mail:read',
  'mail:write',
  'sso:issue',
  'apps:write',
  'directory:read',
  'directory:write',
  'queue:read',
  'queue:write',
  'events:read',
  'scim:write',
  'webhooks:read',
  'webhooks:write',
  'widget:issue',
  'audit:read',
] as const;

/** Checkboxes for a credential's scopes. */
export function ScopeChecks({
  selected,
  onChange,
  legend,
}: {
  selected: ReadonlySet<string>;
  onChange: (next: Set<string>) => void;
  legend: string;
}) {
  return (
    <fieldset class="console-checks console-scopes">
      <legend>{legend}</legend>
      {CREDENTIAL_SCOPES.map((s) => (
        <label key={s}>
          <input
            type="checkbox"
            name="scope"
            value={s}
            checked={selected.has(s)}
            onChange={(e) => {
              const next = new Set(selected);
              if (e.currentTarget.checked) next.add(s);
              else next.delete(s);
              onChange(next);
            }}
          />
          <code>{s}</code>
        </label>
      ))}
    </fieldset>
  );
}
