import type { Api } from '../api/client.js';
import { LOCALES, type Locale, localeOf, useI18n } from '../i18n/index.js';

/**
 * The language picker (top bar and login page). The choice is saved in this
 * browser and sets `<html lang>` (App's `setLocale` does both); signed in,
 * `onChosen` also saves it in the user's settings, so it follows them to
 * their other devices.
 */
export function LanguageSwitcher({
  id = 'language',
  onChosen,
}: {
  id?: string;
  onChosen?: (locale: Locale) => void;
}) {
  const { t, locale, setLocale } = useI18n();
  return (
    <span class="language">
      <label class="sr-only" for={id}>
        {t('common.language')}
      </label>
      <select
        id={id}
        class="language__select"
        value={locale}
        onChange={(e) => {
          const chosen = (e.currentTarget as HTMLSelectElement).value as Locale;
          setLocale(chosen);
          onChosen?.(chosen);
        }}
      >
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {t(`common.languageName.${l}`)}
          </option>
        ))}
      </select>
    </span>
  );
}

/**
 * The language the user chose in their settings on the server
 * (`GET /api/v1/users/{address}/settings` → `language`), or null when there
 * is none or the route is not there. `useServerLanguage` calls it after
 * sign-in (the server's choice wins over the browser's).
 */
export async function serverLanguage(
  api: Pick<Api, 'userSettings'>,
  address: string,
): Promise<Locale | null> {
  try {
    const settings = await api.userSettings(address);
    return typeof settings.language === 'string' && settings.language ? localeOf(settings.language) : null;
  } catch {
    return null;
  }
}
