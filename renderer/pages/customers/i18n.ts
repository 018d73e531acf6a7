// Words of the customers page (namespace 'customers').
export const messages = {
  zh: { title: 'customers' },
  en: { title: 'customers' },
};
