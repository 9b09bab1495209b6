import enAdmin from './en/admin.json';
import enCommon from './en/common.json';
import enCompose from './en/compose.json';
import enConsole from './en/console.json';
import enMail from './en/mail.json';
import enSettings from './en/settings.json';
import zhAdmin from './zh-CN/admin.json';
import zhCommon from './zh-CN/common.json';
import zhCompose from './zh-CN/compose.json';
import zhConsole from './zh-CN/console.json';
import zhMail from './zh-CN/mail.json';
import zhSettings from './zh-CN/settings.json';

/**
 * The webmail's and the console's strings, one JSON file per area and
 * language (`common` for the shell, `mail`, `compose`, `settings`; `console` for the admin
 * console's shell and its directory pages, `admin` for its operations pages).
 * English defines the keys; `satisfies` makes the compiler refuse a zh-CN
 * catalogue that lacks one, and catalogues.test.ts refuses extra keys,
 * empty strings and placeholders that differ between languages.
 */
export type Catalogue = {
  common: typeof enCommon;
  mail: typeof enMail;
  compose: typeof enCompose;
  settings: typeof enSettings;
  admin: typeof enAdmin;
  console: typeof enConsole;
};

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const CATALOGUES: Record<Locale, Catalogue> = {
  en: {
    common: enCommon,
    mail: enMail,
    compose: enCompose,
    settings: enSettings,
    admin: enAdmin,
    console: enConsole,
  },
  'zh-CN': {
    common: zhCommon satisfies Catalogue['common'],
    mail: zhMail satisfies Catalogue['mail'],
    compose: zhCompose satisfies Catalogue['compose'],
    settings: zhSettings satisfies Catalogue['settings'],
    admin: zhAdmin satisfies Catalogue['admin'],
    console: zhConsole satisfies Catalogue['console'],
  },
};
