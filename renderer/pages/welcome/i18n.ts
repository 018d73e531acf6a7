// Words of the welcome page (namespace 'welcome').
export const messages = {
  zh: { title: 'welcome' },
  en: { title: 'welcome' },
};
