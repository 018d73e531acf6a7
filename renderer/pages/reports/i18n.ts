// Words of the reports page (namespace 'reports').
export const messages = {
  zh: { title: 'reports' },
  en: { title: 'reports' },
};
