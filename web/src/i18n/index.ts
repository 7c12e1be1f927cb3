import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { zh } from './zh';

export const LANGUAGES = ['en', 'zh'] as const;
export type Language = (typeof LANGUAGES)[number];

const STORAGE_KEY = 'nudge.lang';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}

/** The saved choice if there is one, else the browser's preference (any zh-* → zh). */
export function initialLanguage(saved: string | null, browser: readonly string[]): Language {
  if (saved === 'en' || saved === 'zh') return saved;
  for (const tag of browser) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'zh') return 'zh';
    if (base === 'en') return 'en';
  }
  return 'en';
}

/** Narrows i18next's language string to one the dashboard ships. */
export function asLanguage(lng: string | undefined): Language {
  return lng === 'zh' ? 'zh' : 'en';
}

/** The BCP-47 locale used for Intl number and date formatting. */
export function localeOf(lng: Language): string {
  return lng === 'zh' ? 'zh-CN' : 'en-US';
}

/** Creates the dashboard's i18next instance; the choice is persisted in localStorage. */
export function createI18n(storage: Storage, browser: readonly string[]): i18n {
  const instance = i18next.createInstance();
  const lng = initialLanguage(storage.getItem(STORAGE_KEY), browser);
  void instance.use(initReactI18next).init({
    resources: { en: { translation: en }, zh: { translation: zh } },
    lng,
    fallbackLng: 'en',
    supportedLngs: [...LANGUAGES],
    interpolation: { escapeValue: false }, // React escapes already.
    initAsync: false,
  });
  const apply = (next: string): void => {
    const language = asLanguage(next);
    storage.setItem(STORAGE_KEY, language);
    document.documentElement.lang = localeOf(language);
  };
  apply(lng);
  instance.on('languageChanged', apply);
  return instance;
}
