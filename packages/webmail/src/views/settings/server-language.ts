import { useEffect } from 'preact/hooks';
import type { Api } from '../../api/client.js';
import type { Locale } from '../../i18n/index.js';
import { serverLanguage } from '../language.js';

/**
 * Applies the language the user saved in their settings (on any device) once
 * they are signed in: the server's choice wins over this browser's.
 * Call it in the signed-in shell; `address` null (signed out) does nothing.
 */
export function useServerLanguage(
  api: Pick<Api, 'userSettings'>,
  address: string | null,
  setLocale: (l: Locale) => void,
): void {
  useEffect(() => {
    if (!address) return;
    let live = true;
    void serverLanguage(api, address).then((l) => {
      if (live && l) setLocale(l);
    });
    return () => {
      live = false;
    };
  }, [api, address, setLocale]);
}
