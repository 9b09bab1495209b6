import { describe, expect, it } from 'vitest';
import { CATALOGUES, LOCALES } from './catalogues/index.js';
import { createI18n, detectLocale, localeOf } from './index.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('catalogues', () => {
  it('every language has exactly the English keys, none empty, with the same placeholders', () => {
    const en = CATALOGUES.en as unknown as Record<string, Record<string, string>>;
    for (const locale of LOCALES) {
      const cat = CATALOGUES[locale] as unknown as Record<string, Record<string, string>>;
      expect(Object.keys(cat).sort()).toEqual(Object.keys(en).sort());
      for (const ns of Object.keys(en)) {
        const enTable = en[ns] ?? {};
        const table = cat[ns] ?? {};
        expect(Object.keys(table).sort(), `${locale}/${ns}`).toEqual(Object.keys(enTable).sort());
        for (const [key, text] of Object.entries(table)) {
          expect(text.trim(), `${locale}/${ns}.${key} is empty`).not.toBe('');
          expect(placeholders(text), `${locale}/${ns}.${key}`).toEqual(placeholders(enTable[key] ?? ''));
        }
      }
    }
  });

  it('zh-CN is Chinese, not English left untranslated', () => {
    const zh = CATALOGUES['zh-CN'] as unknown as Record<string, Record<string, string>>;
    const en = CATALOGUES.en as unknown as Record<string, Record<string, string>>;
    // Strings that are the same in both languages by nature (brand, language names, units) are allowed.
    const same = /^(jdmail|English|简体中文|[\d\s{}\w.:/@-]{0,3})$/;
    for (const [ns, table] of Object.entries(zh))
      for (const [key, text] of Object.entries(table))
        if (text === en[ns]?.[key]) expect(text, `${ns}.${key} untranslated`).toMatch(same);
  });
});

describe('locale', () => {
  it('takes the saved choice, else the first Chinese or English browser language', () => {
    expect(detectLocale('en', ['zh-CN'])).toBe('en');
    expect(detectLocale('zh-CN', ['en-US'])).toBe('zh-CN');
    expect(detectLocale(null, ['fr-FR', 'zh-TW', 'en'])).toBe('zh-CN');
    expect(detectLocale(null, ['de', 'en-GB', 'zh'])).toBe('en');
    expect(detectLocale('xx', [])).toBe('en');
    expect(localeOf('zh-Hans-CN')).toBe('zh-CN');
    expect(localeOf('en-US')).toBe('en');
  });

  it('translates with placeholders and formats sizes and dates in the locale', () => {
    const zh = createI18n('zh-CN');
    const en = createI18n('en');
    expect(zh.t('common.signOut')).toBe('退出');
    expect(en.t('common.signOut')).toBe('Sign out');
    expect(en.size(812)).toBe('812 B');
    expect(en.size(2.34 * 1024 * 1024)).toBe('2.3 MB');
    expect(en.size(120 * 1024)).toBe('120 KB');
    const d = new Date(Date.UTC(2026, 11, 6, 12, 0));
    expect(zh.date(d, { year: 'numeric', month: 'long', timeZone: 'UTC' })).toBe('2026年12月');
    expect(en.date(d, { year: 'numeric', month: 'long', timeZone: 'UTC' })).toBe('December 2026');
    expect(en.date('not a date')).toBe('');
  });
});
