// i18next: Chinese by default, English on demand, switchable at runtime. Each page keeps its
// own words in pages/<page>/i18n.ts (one namespace per page); common words live here.
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { common } from './common';
import { pageMessages } from '../pages/messages';

export type Lang = 'zh' | 'en';
const KEY = 'qundesk.lang';

export function savedLanguage(): Lang {
  const v = localStorage.getItem(KEY);
  return v === 'en' ? 'en' : 'zh';
}

const resources: Record<Lang, Record<string, Record<string, unknown>>> = {
  zh: { common: common.zh },
  en: { common: common.en },
};
for (const [ns, m] of Object.entries(pageMessages)) {
  resources.zh[ns] = m.zh;
  resources.en[ns] = m.en;
}

void i18n.use(initReactI18next).init({
  resources,
  lng: savedLanguage(),
  fallbackLng: 'zh',
  defaultNS: 'common',
  interpolation: { escapeValue: false },
  returnNull: false,
});

export function setLanguage(lang: Lang) {
  localStorage.setItem(KEY, lang);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  void i18n.changeLanguage(lang);
}

export default i18n;
