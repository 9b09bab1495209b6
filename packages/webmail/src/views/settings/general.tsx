import { useState } from 'preact/hooks';
import type { Api } from '../../api/client.js';
import type { UserSettings } from '../../api/types.js';
import { detectLocale, LOCALES, type Locale, useI18n } from '../../i18n/index.js';
import { describedBy, Field, SaveBar, useSave } from './form.js';

const BROWSER = '';

/** Display name and language; the language applies at once and is kept on the server for every device. */
export function GeneralSection(props: {
  api: Api;
  address: string;
  settings: UserSettings;
  onSaved: (s: UserSettings) => void;
}) {
  const { t, setLocale } = useI18n();
  const [name, setName] = useState(props.settings.displayName);
  const [language, setLanguage] = useState<string>(props.settings.language ?? BROWSER);
  const { busy, saved, failure, errors, save } = useSave(props.onSaved, () => 'settings.invalid');

  const submit = (e: Event) => {
    e.preventDefault();
    const chosen = language === BROWSER ? null : (language as Locale);
    void save(async () => {
      const next = await props.api.updateSettings(props.address, {
        displayName: name.trim(),
        language: chosen,
      });
      // "Browser default" takes the browser's languages again, not the last choice saved here.
      setLocale(chosen ?? detectLocale(null));
      return next;
    });
  };

  return (
    <form class="settings__form" onSubmit={submit} noValidate>
      <p class="settings__intro">{t('settings.general.intro')}</p>
      <Field id="settings-address" label={t('settings.general.address')}>
        <input id="settings-address" type="email" value={props.address} readOnly />
      </Field>
      <Field
        id="settings-name"
        label={t('settings.general.displayName')}
        hint={t('settings.general.displayNameHint')}
        error={errors.displayName}
      >
        <input
          id="settings-name"
          type="text"
          maxLength={256}
          autoComplete="name"
          value={name}
          aria-invalid={errors.displayName ? true : undefined}
          aria-describedby={describedBy('settings-name', true, errors.displayName)}
          onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)}
        />
      </Field>
      <Field
        id="settings-language"
        label={t('settings.general.language')}
        hint={t('settings.general.languageHint')}
      >
        <select
          id="settings-language"
          value={language}
          aria-describedby="settings-language-hint"
          onChange={(e) => setLanguage((e.currentTarget as HTMLSelectElement).value)}
        >
          <option value={BROWSER}>{t('settings.general.languageBrowser')}</option>
          {LOCALES.map((l) => (
            <option key={l} value={l} lang={l}>
              {t(`common.languageName.${l}`)}
            </option>
          ))}
        </select>
      </Field>
      <SaveBar busy={busy} saved={saved} failure={failure} />
    </form>
  );
}
