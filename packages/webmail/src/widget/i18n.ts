import en from './messages/en.json';
import zhCN from './messages/zh-CN.json';

/** The widget's strings: every catalogue has the keys of the English one (checked by the compiler). */
export type Catalogue = typeof en;
export type MessageKey = keyof Catalogue;

const CATALOGUES: Record<'en' | 'zh-CN', Catalogue> = { en, 'zh-CN': zhCN satisfies Catalogue };

/** The catalogue for a BCP 47 tag: any Chinese (`zh`, `zh-CN`, `zh-Hans` …) is zh-CN, everything else English. */
export function localeOf(lang: string | null | undefined): 'en' | 'zh-CN' {
  return /^zh\b/i.test(lang ?? '') ? 'zh-CN' : 'en';
}

/** Looks up `key` in `locale`'s catalogue and fills `{name}` placeholders. */
export function t(
  locale: 'en' | 'zh-CN',
  key: MessageKey,
  vars: Record<string, string | number> = {},
): string {
  return CATALOGUES[locale][key].replace(/\{(\w+)\}/g, (m, name: string) =>
    name in vars ? String(vars[name]) : m,
  );
}
