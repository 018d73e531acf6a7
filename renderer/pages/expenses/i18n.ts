// Words of the expenses page (namespace 'expenses').
export const messages = {
  zh: { title: 'expenses' },
  en: { title: 'expenses' },
};
