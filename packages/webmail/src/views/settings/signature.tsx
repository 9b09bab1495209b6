import DOMPurify from 'dompurify';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Api } from '../../api/client.js';
import type { UserSettings } from '../../api/types.js';
import { useI18n } from '../../i18n/index.js';
import { describedBy, Field, SaveBar, useSave } from './form.js';

/** What the formatted signature may hold (the server sanitizes again on save). */
const SIGNATURE_HTML = {
  ALLOWED_TAGS: [
    'p',
    'div',
    'br',
    'span',
    'b',
    'strong',
    'i',
    'em',
    'u',
    's',
    'a',
    'ul',
    'ol',
    'li',
    'blockquote',
  ],
  ALLOWED_ATTR: ['href', 'title'],
};

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '<br>');

/** A small formatting toolbar over an editable area (bold, italic, underline). */
function FormattedEditor(props: {
  id: string;
  labelledBy: string;
  initial: string;
  editor: { current: HTMLDivElement | null };
}) {
  const { t } = useI18n();
  useEffect(() => {
    if (props.editor.current)
      props.editor.current.innerHTML = DOMPurify.sanitize(props.initial, SIGNATURE_HTML);
  }, [props.initial, props.editor]);
  const apply = (command: 'bold' | 'italic' | 'underline') => {
    props.editor.current?.focus();
    // execCommand is the one formatting API every browser still has for a small editable area.
    document.execCommand(command);
  };
  return (
    <div class="signature-editor">
      <div
        class="signature-editor__tools"
        role="toolbar"
        aria-label={t('settings.signature.toolbar')}
        aria-controls={props.id}
      >
        <button type="button" class="button button--quiet" onClick={() => apply('bold')}>
          <b aria-hidden="true">B</b>
          <span class="sr-only">{t('settings.signature.bold')}</span>
        </button>
        <button type="button" class="button button--quiet" onClick={() => apply('italic')}>
          <i aria-hidden="true">I</i>
          <span class="sr-only">{t('settings.signature.italic')}</span>
        </button>
        <button type="button" class="button button--quiet" onClick={() => apply('underline')}>
          <u aria-hidden="true">U</u>
          <span class="sr-only">{t('settings.signature.underline')}</span>
        </button>
      </div>
      {/* biome-ignore lint/a11y/useSemanticElements: a formatted text field is an editable div; a textarea holds plain text only */}
      <div
        id={props.id}
        ref={props.editor}
        class="signature-editor__area"
        contentEditable
        role="textbox"
        aria-multiline="true"
        aria-labelledby={props.labelledBy}
        aria-describedby={`${props.id}-hint`}
        tabIndex={0}
      />
    </div>
  );
}

/** The signature: plain text, and a formatted version for HTML messages. */
export function SignatureSection(props: {
  api: Api;
  address: string;
  settings: UserSettings;
  onSaved: (s: UserSettings) => void;
}) {
  const { t } = useI18n();
  const [text, setText] = useState(props.settings.signature.text);
  const [initialHtml, setInitialHtml] = useState(props.settings.signature.html);
  const editor = useRef<HTMLDivElement>(null);
  const { busy, saved, failure, errors, save } = useSave(props.onSaved, () => 'settings.invalid');

  const submit = (e: Event) => {
    e.preventDefault();
    const html = DOMPurify.sanitize(editor.current?.innerHTML ?? '', SIGNATURE_HTML);
    void save(async () => {
      const next = await props.api.updateSettings(props.address, { signature: { text, html } });
      setInitialHtml(next.signature.html);
      return next;
    });
  };

  return (
    <form class="settings__form" onSubmit={submit} noValidate>
      <p class="settings__intro">{t('settings.signature.intro')}</p>
      <Field id="settings-sig-text" label={t('settings.signature.text')} error={errors['signature.text']}>
        <textarea
          id="settings-sig-text"
          rows={5}
          maxLength={10_000}
          value={text}
          aria-invalid={errors['signature.text'] ? true : undefined}
          aria-describedby={describedBy('settings-sig-text', false, errors['signature.text'])}
          onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
        />
      </Field>
      <div class={`field${errors['signature.html'] ? ' field--invalid' : ''}`}>
        <span id="settings-sig-html-label" class="field__label">
          {t('settings.signature.html')}
        </span>
        <FormattedEditor
          id="settings-sig-html"
          labelledBy="settings-sig-html-label"
          initial={initialHtml}
          editor={editor}
        />
        <p id="settings-sig-html-hint" class="field__hint">
          {t('settings.signature.htmlHint')}
        </p>
        {errors['signature.html'] && (
          <p class="field__error" role="alert">
            {errors['signature.html']}
          </p>
        )}
        <button
          type="button"
          class="button"
          onClick={() => {
            if (editor.current) editor.current.innerHTML = escapeHtml(text);
          }}
        >
          {t('settings.signature.fromText')}
        </button>
      </div>
      <SaveBar busy={busy} saved={saved} failure={failure} />
    </form>
  );
}
