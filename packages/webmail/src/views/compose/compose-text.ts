import { useMemo } from 'preact/hooks';
import type enCompose from '../../i18n/catalogues/en/compose.json';
import { type I18n, useI18n } from '../../i18n/index.js';

/** A key of the compose catalogue, without its `compose.` namespace. */
export type ComposeKey = keyof typeof enCompose;

/** The compose screen's strings: `text('send')` is `t('compose.send')`. */
export type ComposeText = (key: ComposeKey, vars?: Record<string, string | number>) => string;

/** The translator for the compose screen, in the shell's locale. */
export function useComposeText(): { text: ComposeText; i18n: I18n } {
  const i18n = useI18n();
  return useMemo(() => {
    const text: ComposeText = (key, vars) => i18n.t(`compose.${key}` as Parameters<I18n['t']>[0], vars);
    return { text, i18n };
  }, [i18n]);
}
