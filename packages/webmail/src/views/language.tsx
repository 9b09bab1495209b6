import type { Api } from '../api/client.js';
import { LOCALES, type Locale, localeOf, useI18n } from '../i18n/index.js';

/**
 * The language picker (top bar and login page). The choice is saved in this
 * browser and sets `<html lang>` (App's `setLocale` does both).
 */
export function LanguageSwitcher({ id = 'language' }: { id?: string }) {
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
        onChange={(e) => setLocale((e.currentTarget as HTMLSelectElement).value as Locale)}
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
 * is none or the route is not there. The shell does not call this yet: the
 * settings API lands with the settings screens; once it is on main, call it
 * after sign-in and pass a non-null answer to `setLocale` (the server's
 * choice wins over the browser's, see i18n/index.ts).
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
