// Words of the dashboard page (namespace 'dashboard').
export const messages = {
  zh: { title: 'dashboard' },
  en: { title: 'dashboard' },
};
