// Words of the settings page (namespace 'settings').
export const messages = {
  zh: { title: 'settings' },
  en: { title: 'settings' },
};
