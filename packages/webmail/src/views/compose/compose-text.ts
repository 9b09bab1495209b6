import { useMemo } from 'preact/hooks';
import type enCompose from '../../i18n/catalogues/en/compose.json';
import { createI18n, detectLocale, type I18n, useI18n } from '../../i18n/index.js';

/** A key of the compose catalogue, without its `compose.` namespace. */
export type ComposeKey = keyof typeof enCompose;

/** The compose screen's strings: `text('send')` is `t('compose.send')`. */
export type ComposeText = (key: ComposeKey, vars?: Record<string, string | number>) => string;

/**
 * The translator for the compose screen. The shell provides the user's locale; until it wraps the
 * app in its provider the context holds English, and the locale is taken as the shell would take
 * it (the saved choice, else the browser's languages).
 */
export function useComposeText(): { text: ComposeText; i18n: I18n } {
  const context = useI18n();
  return useMemo(() => {
    const detected = detectLocale();
    const i18n = context.locale === detected ? context : createI18n(detected);
    const text: ComposeText = (key, vars) => i18n.t(`compose.${key}` as Parameters<I18n['t']>[0], vars);
    return { text, i18n };
  }, [context]);
}
