import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { CATALOGUES, type Catalogue, LOCALES, type Locale } from './catalogues/index.js';

export type { Locale } from './catalogues/index.js';
export { LOCALES } from './catalogues/index.js';

/**
 * A message key: `<namespace>.<name>`, e.g. `mail.inbox` or `admin.users.title`.
 * Every catalogue has the English one's keys (checked by the compiler in
 * catalogues/index.ts), so a key that type-checks exists in every language.
 */
export type MessageKey = {
  [N in keyof Catalogue]: `${N & string}.${keyof Catalogue[N] & string}`;
}[keyof Catalogue];

export type Vars = Record<string, string | number>;

/** Where the user's explicit choice is kept in the browser (the server setting wins once loaded). */
export const LOCALE_STORAGE_KEY = 'jdmail.locale';

/** The catalogue for a BCP 47 tag: any Chinese (`zh`, `zh-CN`, `zh-Hans`, `zh-TW` …) is zh-CN, everything else English. */
export function localeOf(tag: string | null | undefined): Locale {
  return /^zh\b/i.test(tag ?? '') ? 'zh-CN' : 'en';
}

/** The locale to start with: the user's saved choice, else the browser's languages in order, else English. */
export function detectLocale(
  saved: string | null = safeStorageGet(LOCALE_STORAGE_KEY),
  languages: readonly string[] = typeof navigator === 'undefined' ? [] : (navigator.languages ?? []),
): Locale {
  if (saved && (LOCALES as readonly string[]).includes(saved)) return saved as Locale;
  for (const tag of languages) {
    if (/^zh\b/i.test(tag)) return 'zh-CN';
    if (/^en\b/i.test(tag)) return 'en';
  }
  return 'en';
}

function safeStorageGet(key: string): string | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage.getItem(key);
  } catch {
    return null; // storage disabled (privacy mode): fall back to the browser's language
  }
}

/** Remembers the user's choice in this browser; `<html lang>` follows. */
export function saveLocale(locale: Locale): void {
  try {
    localStorage.setItem(LOCALE_STORAGE_KEY, locale);
  } catch {
    // storage disabled: the choice lasts for this page only
  }
  applyDocumentLocale(locale);
}

/** Sets `<html lang>` so screen readers, fonts and hyphenation use the right language. */
export function applyDocumentLocale(locale: Locale): void {
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

function lookup(locale: Locale, key: MessageKey): string {
  const dot = key.indexOf('.');
  const ns = key.slice(0, dot) as keyof Catalogue;
  const name = key.slice(dot + 1);
  const table = CATALOGUES[locale][ns] as Record<string, string>;
  return table[name] ?? (CATALOGUES.en[ns] as Record<string, string>)[name] ?? key;
}

/** Everything a view needs to speak the user's language. */
export interface I18n {
  locale: Locale;
  /** The message for `key`, `{name}` placeholders filled from `vars`; `{n, plural}` is not needed in en/zh (see `plural`). */
  t: (key: MessageKey, vars?: Vars) => string;
  /** `one` when n is 1 (English), else `other`: pass both keys; Chinese has one form, so its catalogue repeats it. */
  plural: (n: number, one: MessageKey, other: MessageKey, vars?: Vars) => string;
  /** A date and time in the locale's form (`dateStyle`/`timeStyle` as Intl takes them). */
  date: (value: string | number | Date, options?: Intl.DateTimeFormatOptions) => string;
  number: (n: number) => string;
  /** Bytes as people read them: 812 B, 14 KB, 2.3 MB (units are the same in zh-CN). */
  size: (bytes: number) => string;
}

export function createI18n(locale: Locale): I18n {
  const t = (key: MessageKey, vars: Vars = {}) =>
    lookup(locale, key).replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
  const numberFormat = new Intl.NumberFormat(locale);
  return {
    locale,
    t,
    plural: (n, one, other, vars = {}) => t(n === 1 ? one : other, { n, ...vars }),
    date: (value, options = { dateStyle: 'medium', timeStyle: 'short' }) => {
      const d = value instanceof Date ? value : new Date(value);
      return Number.isNaN(d.getTime()) ? '' : d.toLocaleString(locale, options);
    },
    number: (n) => numberFormat.format(n),
    size: (bytes) => formatBytes(bytes, numberFormat),
  };
}

function formatBytes(bytes: number, nf: Intl.NumberFormat): string {
  if (bytes < 1024) return `${nf.format(bytes)} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let n = bytes / 1024;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  const rounded = n < 10 ? Math.round(n * 10) / 10 : Math.round(n);
  return `${nf.format(rounded)} ${units[i]}`;
}

export const I18nContext = createContext<I18n & { setLocale: (l: Locale) => void }>({
  ...createI18n('en'),
  setLocale: () => {},
});

/** The current language's translator and formatters; re-renders when the user switches language. */
export const useI18n = () => useContext(I18nContext);
